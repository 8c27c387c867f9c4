import Foundation
import Testing
import YearCore

@testable import YearProtocol

/// A reply is read once (`VarlinkReplyOf`): an error's name and raw parameters, or the method's typed parameters.
@Suite("Reading a reply once")
struct ReplyDecodingTests {
    struct Pair: Decodable, Equatable {
        var a: Int, b: String
    }

    func read(_ text: String) throws -> VarlinkReplyOf<Pair> {
        try VarlinkJSON.decode(VarlinkReplyOf<Pair>.self, from: Data(text.utf8))
    }

    @Test("a reply's parameters are the typed value; an error's are kept raw, absent or null as an empty object")
    func outcomes() throws {
        guard case .reply(let pair) = try read(#"{"parameters":{"a":1,"b":"x"}}"#) else {
            Issue.record("not a reply")
            return
        }
        #expect(pair == Pair(a: 1, b: "x"))
        // A null error is no error; `continues` is read by no one here.
        guard case .reply = try read(#"{"parameters":{"a":2,"b":"y"},"error":null,"continues":false}"#) else {
            Issue.record("a null error read as an error")
            return
        }
        for (text, expected) in [
            (#"{"error":"io.yeard.Year.YearNotFound","parameters":{"id":7}}"#, JSONValue.object(["id": .int(7)])),
            (#"{"error":"io.yeard.Year.YearNotFound"}"#, .object([:])),
            (#"{"error":"io.yeard.Year.YearNotFound","parameters":null}"#, .object([:])),
        ] {
            guard case .error(let name, let parameters) = try read(text) else {
                Issue.record("not an error: \(text)")
                continue
            }
            #expect(name == "io.yeard.Year.YearNotFound" && parameters == expected, "\(text)")
        }
    }

    @Test("a reply whose parameters are missing, null or of another shape is refused")
    func malformed() {
        for text in [
            #"{}"#, #"{"parameters":null}"#, #"{"parameters":{"a":"1","b":"x"}}"#, #"{"parameters":{"a":1}}"#,
            #"{"error":7}"#, #"[]"#,
        ] {
            #expect(throws: (any Error).self, "\(text)") { try read(text) }
        }
    }
}
