import NIOCore
import NIOEmbedded
import Testing

@testable import YearProtocol

@Suite("Varlink framing")
struct FramingTests {
    func channel(limit: Int = 64) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(VarlinkFrameDecoder(maximumSize: limit)))
        return channel
    }

    func read(_ channel: EmbeddedChannel) throws -> [String] {
        var messages: [String] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) {
            messages.append(String(buffer: buffer))
        }
        return messages
    }

    @Test("several messages in one read and one message over several reads come out whole")
    func splitsAndJoins() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "{\"a\":1}\u{0}{\"b\":2}\u{0}{\"c\""))
        #expect(try read(channel) == [#"{"a":1}"#, #"{"b":2}"#])
        try channel.writeInbound(ByteBuffer(string: ":3}\u{0}"))
        #expect(try read(channel) == [#"{"c":3}"#])
        _ = try channel.finish()
    }

    @Test("a message over the limit is an error, with or without its NUL")
    func overLimit() throws {
        let unterminated = try channel(limit: 16)
        #expect(throws: VarlinkFrameDecoder.FrameTooLarge(maximumSize: 16)) {
            try unterminated.writeInbound(ByteBuffer(string: String(repeating: "x", count: 17)))
        }
        let terminated = try channel(limit: 16)
        #expect(throws: VarlinkFrameDecoder.FrameTooLarge(maximumSize: 16)) {
            try terminated.writeInbound(ByteBuffer(string: String(repeating: "x", count: 20) + "\u{0}"))
        }
        let exact = try channel(limit: 16)
        try exact.writeInbound(ByteBuffer(string: String(repeating: "x", count: 16) + "\u{0}"))
        #expect(try read(exact).first?.count == 16)
    }
}
