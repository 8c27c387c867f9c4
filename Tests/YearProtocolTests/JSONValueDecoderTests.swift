import Foundation
import Testing
import YearCore

@testable import YearProtocol

@Suite("Parameters decoded from the tree StrictJSON made of a message")
struct JSONValueDecoderTests {
    struct Sample: Codable, Equatable {
        enum Kind: String, Codable { case students, staff }
        struct Inner: Codable, Equatable { var day: String, count: Int? }
        var id: Int64, name: String, flag: Bool?, ratio: Double?, kind: Kind, values: [String: String]
        var items: [Inner], optional: String?, any: JSONValue?
    }

    static let text = #"""
        {"id":7,"name":"Ёлкин","flag":true,"ratio":2,"kind":"staff","values":{"a":"b"},
         "items":[{"day":"2026-09-01","count":3},{"day":"2026-09-02","count":null}],"any":{"x":[1,"y"]}}
        """#

    @Test("every shape a parameter type has decodes exactly as JSONDecoder decodes it")
    func agreesWithJSONDecoder() throws {
        let tree = try StrictJSON.parse(Data(Self.text.utf8))
        let fromTree = try JSONValueDecoder().decode(Sample.self, from: tree)
        let fromBytes = try JSONDecoder().decode(Sample.self, from: Data(Self.text.utf8))
        #expect(fromTree == fromBytes)
    }

    @Test(
        "a wrong type, a missing key, a null and a number too large are the DecodingErrors JSONDecoder throws",
        arguments: [
            (#"{"id":"7","name":"x","kind":"staff","values":{},"items":[]}"#, "typeMismatch", "id"),
            (#"{"name":"x","kind":"staff","values":{},"items":[]}"#, "keyNotFound", "id"),
            (#"{"id":null,"name":"x","kind":"staff","values":{},"items":[]}"#, "valueNotFound", "id"),
            (#"{"id":7,"name":"x","kind":"teachers","values":{},"items":[]}"#, "dataCorrupted", "kind"),
            (#"{"id":7,"name":"x","kind":"staff","values":{},"items":[{"day":1}]}"#, "typeMismatch", "items.0.day"),
        ])
    func errors(text: String, kind: String, path: String) throws {
        let tree = try StrictJSON.parse(Data(text.utf8))
        do {
            _ = try JSONValueDecoder().decode(Sample.self, from: tree)
            Issue.record("decoded")
        } catch let error as DecodingError {
            let (found, context): (String, DecodingError.Context?) =
                switch error {
                case .typeMismatch(_, let context): ("typeMismatch", context)
                case .keyNotFound(let key, let context):
                    ("keyNotFound", .init(codingPath: context.codingPath + [key], debugDescription: ""))
                case .valueNotFound(_, let context): ("valueNotFound", context)
                case .dataCorrupted(let context): ("dataCorrupted", context)
                @unknown default: ("?", nil)
                }
            #expect(found == kind)
            #expect(context?.codingPath.map(\.stringValue).joined(separator: ".") == path)
        }
    }
}
