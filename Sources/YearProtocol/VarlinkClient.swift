import Foundation
import NIOCore
import NIOPosix
import YearCore

/// Why a client could not talk to the daemon at all (as opposed to the daemon refusing a call).
public enum VarlinkClientError: Error, Sendable, CustomStringConvertible {
    /// Connecting to the socket failed.
    case cannotConnect(path: String, reason: String)
    /// The daemon closed the connection before replying.
    case connectionClosed
    /// The reply was not valid Varlink JSON.
    case malformedReply(String)

    /// One sentence for people, in English.
    public var description: String { message(.english) }

    /// One sentence for people, in `l`'s language.
    public func message(_ l: Localizer) -> String {
        switch self {
        case .cannotConnect(let path, let reason):
            l.tr(
                "cannot connect to yeard at {path}: {reason}; is the daemon running, and is the socket path right (--socket or YEARD_SOCKET)?",
                ["path": path, "reason": reason])
        case .connectionClosed: l.tr("yeard closed the connection without replying; see the daemon's log")
        case .malformedReply(let reason):
            l.tr("yeard sent a reply this client cannot read: {reason}", ["reason": reason])
        }
    }
}

/// A Varlink client over a Unix socket, on NIO: one connection, calls one after another.
public final class VarlinkSession {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Connects to `path`, runs `body` with the session and closes the connection.
    public static func withConnection<T>(
        path: String, maximumReplySize: Int = 16 << 20, _ body: (VarlinkSession) async throws -> T
    ) async throws -> T {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(VarlinkFrameDecoder(maximumSize: maximumReplySize)))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as IOError {
            throw VarlinkClientError.cannotConnect(path: path, reason: String(cString: strerror(error.errnoCode)))
        } catch {
            throw VarlinkClientError.cannotConnect(path: path, reason: "\(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(VarlinkSession(inbound: inbound.makeAsyncIterator(), outbound: outbound))
        }
    }

    /// Sends one message (already encoded JSON) and returns the reply's bytes.
    public func roundTrip(_ message: Data) async throws -> Data {
        var buffer = ByteBuffer(bytes: message)
        buffer.writeInteger(UInt8(0))
        try await outbound.write(buffer)
        guard let reply = try await inbound.next() else { throw VarlinkClientError.connectionClosed }
        return Data(reply.readableBytesView)
    }

    /// Calls `method` with `parameters` and decodes its reply; a Varlink error reply is thrown as `VarlinkError`.
    public func call<P, R>(_ method: Method<P, R>, _ parameters: P) async throws -> R {
        let data = try await roundTrip(
            VarlinkJSON.encode(CallEnvelope(method: method.fullName, parameters: parameters)))
        let reply: VarlinkReplyOf<R>
        do {
            reply = try VarlinkJSON.decode(VarlinkReplyOf<R>.self, from: data)
        } catch {
            throw VarlinkClientError.malformedReply("\(error)")
        }
        switch reply {
        case .reply(let parameters): return parameters
        case .error(let name, let parameters): throw VarlinkError(name: name, parameters: parameters)
        }
    }

    private struct CallEnvelope<P: Encodable>: Encodable {
        var method: String
        var parameters: P
    }
}
