import Foundation
import Testing
import YearCore

@Suite("The strict JSON reader of Varlink messages")
struct StrictJSONTests {
    func parse(_ text: String) throws -> JSONValue { try StrictJSON.parse(Array(text.utf8)) }

    func refusal(_ bytes: [UInt8]) -> StrictJSON.SyntaxError? {
        do {
            _ = try StrictJSON.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("what Foundation reads, it reads the same")
    func agreesWithFoundation() throws {
        let texts = [
            #"{"method":"io.yeard.Year.List","parameters":{"school":"школа-1","limit":50,"x":[1,-2.5,true,null]}}"#,
            #"  [ "a\"b\\c\/d\b\f\n\r\t", "\u0416\u00e9\ud83d\ude00", 0, -0, 9223372036854775807 ] "#,
            #"{}"#, #"[]"#, #""""#, "-9223372036854775808", "1E-2", "true",
        ]
        for text in texts {
            let ours = try parse(text)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(ours == foundation, "\(text)")
        }
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        // A number with a fraction or an exponent is never an int, even when its value is whole: an int
        // parameter given 1e3 is refused by the method's signature rather than guessed at.
        #expect(try parse("1.5e3") == .double(1500))
        #expect(try parse("1.0") == .double(1))
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
    }

    @Test(
        "what an attacker sends is refused at its byte",
        arguments: [
            (#"{"method":"a","method":"b"}"#, 14, "appears twice"),
            (#"{"p":{"s":1,"s":1}}"#, 12, "appears twice"),
            ("1e400", 0, "out of range"),
            ("-1e400", 0, "out of range"),
            ("01", 0, "cannot start with 0"),
            ("[1,]", 3, "cannot start here"),
            (#"{"a":1,}"#, 7, "key must be a string"),
            (#"{"a" 1}"#, 5, "expected ':'"),
            (#""\u0000""#, 1, "NUL"),
            (#""\ud800""#, 1, "unpaired surrogate"),
            (#""\udc00\ud800""#, 1, "unpaired surrogate"),
            (#""\ud800\u0041""#, 1, "unpaired surrogate"),
            (#""\x""#, 1, "unknown escape"),
            (#""\u12""#, 3, "four hex digits"),
            (#"{"a":1} {"b":2}"#, 8, "after the value"),
            ("nul", 0, "unknown literal"),
            ("", 0, "ends where a value"),
            (#""abc"#, 4, "not closed"),
            (#"{"a":1"#, 6, "expected ',' or '}'"),
        ] as [(String, Int, String)])
    func refusals(text: String, offset: Int, reason: String) throws {
        let error = try #require(refusal(Array(text.utf8)), "accepted \(text)")
        #expect(error.offset == offset, "\(text): \(error)")
        #expect(error.reason.contains(reason), "\(text): \(error)")
    }

    @Test("control characters and malformed UTF-8 inside strings are refused")
    func bytes() throws {
        let quote = UInt8(ascii: "\"")
        for control in [0x00, 0x01, 0x0A, 0x1B, 0x1F] as [UInt8] {
            #expect(refusal([quote, control, quote])?.reason.contains("control character") == true)
        }
        let malformed: [[UInt8]] = [
            [0xC0, 0xAF], [0xC1, 0xBF],  // overlong
            [0xE0, 0x80, 0xAF],  // overlong three-byte
            [0xED, 0xA0, 0x80],  // an encoded surrogate
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80],  // no such lead byte
            [0xE2, 0x82],  // cut short
        ]
        for sequence in malformed {
            #expect(refusal([quote] + sequence + [quote])?.reason.contains("UTF-8") == true, "\(sequence)")
        }
        #expect(try StrictJSON.parse([quote, 0xE2, 0x82, 0xAC, 0x7F, quote]) == .string("€\u{7F}"))
    }

    @Test("nesting is bounded, and the bound is exact")
    func depth() throws {
        let limit = StrictJSON.defaultMaximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(try parse(deepest) != .null)
        let deeper = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(refusal(Array(deeper.utf8))?.offset == limit)
        // 100,000 levels: refused at the limit, without recursing further (no stack overflow).
        #expect(refusal(Array(repeating: UInt8(ascii: "["), count: 100_000))?.reason.contains("nested") == true)
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(refusal(Array(objects.utf8))?.reason.contains("nested") == true)
    }
}
