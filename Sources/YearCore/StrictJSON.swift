/// A strict JSON reader (RFC 8259) for what arrives from other processes: each Varlink message.
///
/// Written here because Foundation's `JSONDecoder` cannot be told to refuse what an attacker would send: it keeps one
/// of two duplicate keys without a word (so `{"method": A, "method": B}` means whatever the reader's parser picks),
/// and it has no limit on nesting that a caller sets. This reader refuses duplicate keys, nesting deeper than
/// `maximumDepth`, invalid UTF-8 (overlong forms, surrogates, truncated sequences), unpaired `\u` surrogates, NUL
/// and other unescaped control characters inside strings, `\\u0000`, numbers out of range (`1e400`), and anything after the value.
/// Every refusal names the byte offset, so that a client's author can find the fault.
public enum StrictJSON {
    /// Why a text is not acceptable JSON, and where (the offset of the first byte that is wrong).
    public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The byte offset from the start of the text.
        public let offset: Int
        /// What is wrong, in words.
        public let reason: String

        /// One sentence.
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// The deepest nesting of arrays and objects accepted by default: no Varlink call of yeard comes near it.
    public static let defaultMaximumDepth = 64

    /// Parses one JSON text.
    public static func parse(
        _ bytes: some Collection<UInt8>, maximumDepth: Int = defaultMaximumDepth
    ) throws(SyntaxError) -> JSONValue {
        // A message (Data, an array) is read in place; only a collection without contiguous storage is copied.
        let inPlace: Result<JSONValue, SyntaxError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(SyntaxError) -> JSONValue in try parse(buffer, maximumDepth: maximumDepth) }
        }
        if let inPlace { return try inPlace.get() }
        return try Array(bytes).withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> JSONValue in
            try parse(buffer, maximumDepth: maximumDepth)
        }
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int) throws(SyntaxError)
        -> JSONValue
    {
        var reader = Reader(bytes: buffer, maximumDepth: maximumDepth)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == buffer.count else { throw reader.error("unexpected text after the value") }
        return value
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let maximumDepth: Int
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
        }

        func error(_ reason: String, at offset: Int? = nil) -> SyntaxError {
            SyntaxError(offset: offset ?? position, reason: reason)
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        mutating func expect(_ literal: String, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
            let start = position
            for byte in literal.utf8 {
                guard current == byte else { throw error("unknown literal", at: start) }
                position += 1
            }
            return value
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
            guard let byte = current else { throw error("the text ends where a value was expected") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("a value cannot start here")
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth <= maximumDepth else { throw error("nested deeper than \(maximumDepth) levels") }
            position += 1
            var fields: [String: JSONValue] = [:]
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(fields)
            }
            while true {
                skipWhitespace()
                let keyStart = position
                guard current == UInt8(ascii: "\"") else { throw error("an object's key must be a string") }
                let key = try string()
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after an object's key") }
                position += 1
                skipWhitespace()
                let item = try value(depth: depth)
                guard fields.updateValue(item, forKey: key) == nil else {
                    throw error("the key \"\(Self.printable(key))\" appears twice in one object", at: keyStart)
                }
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"):
                    position += 1
                    return .object(fields)
                default: throw error("expected ',' or '}' in an object")
                }
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth <= maximumDepth else { throw error("nested deeper than \(maximumDepth) levels") }
            position += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"):
                    position += 1
                    return .array(items)
                default: throw error("expected ',' or ']' in an array")
                }
            }
        }

        mutating func number() throws(SyntaxError) -> JSONValue {
            let start = position
            var integral = true
            if current == UInt8(ascii: "-") { position += 1 }
            guard let first = current, Self.isDigit(first) else { throw error("a number needs a digit here") }
            if first == UInt8(ascii: "0") {
                position += 1
                if let next = current, Self.isDigit(next) { throw error("a number cannot start with 0", at: start) }
            } else {
                while let byte = current, Self.isDigit(byte) { position += 1 }
            }
            if current == UInt8(ascii: ".") {
                integral = false
                position += 1
                guard let byte = current, Self.isDigit(byte) else { throw error("expected a digit after '.'") }
                while let byte = current, Self.isDigit(byte) { position += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                integral = false
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard let byte = current, Self.isDigit(byte) else { throw error("expected a digit in the exponent") }
                while let byte = current, Self.isDigit(byte) { position += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            if integral, let value = Int64(text) { return .int(value) }
            guard let value = Double(text), value.isFinite else {
                throw error("the number \(text.prefix(40)) is out of range", at: start)
            }
            return .double(value)
        }

        mutating func string() throws(SyntaxError) -> String {
            position += 1
            var out: [UInt8] = []
            while true {
                guard let byte = current else { throw error("a string is not closed") }
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    try escape(into: &out)
                case 0x00..<0x20:
                    throw error("a control character (U+\(Self.hex(UInt32(byte), 4))) inside a string must be escaped")
                case 0x20..<0x80:
                    out.append(byte)
                    position += 1
                default:
                    try utf8Sequence(into: &out)
                }
            }
        }

        /// Copies one multi-byte UTF-8 sequence, refusing every malformed form (Unicode 15, table 3-7).
        mutating func utf8Sequence(into out: inout [UInt8]) throws(SyntaxError) {
            guard let (length, second) = UTF8Form.sequence(lead: bytes[position]) else { throw error("invalid UTF-8") }
            guard bytes.count - position >= length else { throw error("invalid UTF-8: a sequence is cut short") }
            for index in 1..<length {
                guard (index == 1 ? second : 0x80...0xBF).contains(bytes[position + index]) else {
                    throw error("invalid UTF-8")
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<(position + length)]))
            position += length
        }

        mutating func escape(into out: inout [UInt8]) throws(SyntaxError) {
            let start = position
            position += 1
            guard let byte = current else { throw error("a string is not closed") }
            position += 1
            let simple: UInt8? =
                switch byte {
                case UInt8(ascii: "\""): 0x22
                case UInt8(ascii: "\\"): 0x5C
                case UInt8(ascii: "/"): 0x2F
                case UInt8(ascii: "b"): 0x08
                case UInt8(ascii: "f"): 0x0C
                case UInt8(ascii: "n"): 0x0A
                case UInt8(ascii: "r"): 0x0D
                case UInt8(ascii: "t"): 0x09
                default: nil
                }
            if let simple {
                out.append(simple)
                return
            }
            guard byte == UInt8(ascii: "u") else { throw error("unknown escape", at: start) }
            var scalar = try hexQuad()
            // Legal JSON, but a NUL cuts every C string it reaches (SQLite's text functions, the journal, a
            // terminal): nothing yeard accepts holds one.
            if scalar == 0 { throw error("a NUL character (\\u0000) is not accepted in a string", at: start) }
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("an unpaired surrogate in a \\u escape", at: start) }
                position += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("an unpaired surrogate in a \\u escape", at: start)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("an unpaired surrogate in a \\u escape", at: start)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape", at: start) }
            out.append(contentsOf: String(Character(unicode)).utf8)
        }

        mutating func hexQuad() throws(SyntaxError) -> UInt32 {
            guard bytes.count - position >= 4 else { throw error("a \\u escape needs four hex digits") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw error("a \\u escape needs four hex digits")
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        static func hex(_ value: UInt32, _ width: Int) -> String {
            let text = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }

        /// A key as it may be quoted in an error: at most 40 characters, control characters shown as `?`.
        static func printable(_ key: String) -> String {
            String(String.UnicodeScalarView(key.unicodeScalars.prefix(40).map { $0.value < 0x20 ? "?" : $0 }))
        }
    }
}
