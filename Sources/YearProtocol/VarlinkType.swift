import YearCore

/// The types of a Varlink interface description, parsed as the specification defines them (varlink.org,
/// "Interface Definition"): the parameter check resolves enums through it, and the tests build a sample value of
/// any type and check values against types with it. Written by hand because no maintained Swift package parses
/// Varlink IDL; the Python `varlink` package, which the e2e tests use, is the independent parser that checks the
/// daemon's real replies.
indirect enum VarlinkType: Equatable, CustomStringConvertible {
    case bool, int, float, string, object
    case optional(VarlinkType)
    case array(VarlinkType)
    case map(VarlinkType)
    case named(String)
    case structure([(name: String, type: VarlinkType)])
    case enumeration([String])

    static func == (lhs: VarlinkType, rhs: VarlinkType) -> Bool { lhs.description == rhs.description }

    var description: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "string"
        case .object: "object"
        case .optional(let inner): "?\(inner)"
        case .array(let inner): "[]\(inner)"
        case .map(let inner): "[string]\(inner)"
        case .named(let name): name
        case .structure(let fields): "(" + fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ") + ")"
        case .enumeration(let cases): "(" + cases.joined(separator: ", ") + ")"
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        let text: String, position: Int
        var description: String { "cannot parse a Varlink type at \(position) of \(text)" }
    }

    /// Parses one type (`?[]Year`, `(a: int, b: ?string)`, `(open, closed)`).
    static func parse(_ text: String) throws -> VarlinkType {
        var parser = Parser(text: Array(text), position: 0)
        let type = try parser.type()
        parser.skipSpace()
        guard parser.position == parser.text.count else { throw ParseError(text: text, position: parser.position) }
        return type
    }

    struct Parser {
        let text: [Character]
        var position: Int

        mutating func skipSpace() {
            while position < text.count, text[position].isWhitespace { position += 1 }
        }

        mutating func take(_ literal: String) -> Bool {
            skipSpace()
            let characters = Array(literal)
            guard position + characters.count <= text.count,
                Array(text[position..<position + characters.count]) == characters
            else { return false }
            position += characters.count
            return true
        }

        mutating func word() throws -> String {
            skipSpace()
            let start = position
            while position < text.count, text[position].isLetter || text[position].isNumber || text[position] == "_" {
                position += 1
            }
            guard position > start else { throw ParseError(text: String(text), position: position) }
            return String(text[start..<position])
        }

        mutating func type() throws -> VarlinkType {
            if take("?") { return .optional(try type()) }
            if take("[]") { return .array(try type()) }
            if take("[string]") { return .map(try type()) }
            if take("(") { return try members() }
            let name = try word()
            switch name {
            case "bool": return .bool
            case "int": return .int
            case "float": return .float
            case "string": return .string
            case "object": return .object
            default:
                // A type's name starts with a capital (`Year`); anything else is no type at all.
                guard name.first?.isUppercase == true else { throw ParseError(text: String(text), position: position) }
                return .named(name)
            }
        }

        /// After `(`: a struct's fields or an enum's cases, to the closing `)`.
        mutating func members() throws -> VarlinkType {
            var fields: [(String, VarlinkType)] = []
            var cases: [String] = []
            if take(")") { return .structure([]) }
            repeat {
                let name = try word()
                if take(":") { fields.append((name, try type())) } else { cases.append(name) }
            } while take(",")
            guard take(")"), fields.isEmpty || cases.isEmpty else {
                throw ParseError(text: String(text), position: position)
            }
            return cases.isEmpty ? .structure(fields) : .enumeration(cases)
        }
    }
}

/// The named types of one interface description (`type Name (...)`).
struct VarlinkTypeTable {
    var types: [String: VarlinkType] = [:]

    /// A table without types: named types stay unresolved.
    init() {}

    init(description: String) throws {
        // Declarations may span lines: join the text without its comments, then read `type NAME (...)` by brackets.
        let text = description.split(separator: "\n").map { line in
            line.firstIndex(of: "#").map { line[..<$0] } ?? line
        }.joined(separator: " ")
        var rest = Substring(text)
        while let range = rest.range(of: "type ") {
            rest = rest[range.upperBound...]
            let name = String(rest.prefix { $0 != " " && $0 != "(" })
            guard let open = rest.firstIndex(of: "(") else { break }
            var depth = 0
            var end = open
            for index in rest[open...].indices {
                if rest[index] == "(" { depth += 1 }
                if rest[index] == ")" { depth -= 1 }
                if depth == 0 {
                    end = index
                    break
                }
            }
            types[name] = try VarlinkType.parse(String(rest[open...end]))
            rest = rest[rest.index(after: end)...]
        }
    }

    func resolve(_ type: VarlinkType) -> VarlinkType {
        if case .named(let name) = type, let found = types[name] { return resolve(found) }
        return type
    }

    /// Why `value` is not a `type`, or nil when it is one (unknown fields are refused).
    func mismatch(_ value: JSONValue, _ type: VarlinkType, at path: String = "") -> String? {
        switch (resolve(type), value) {
        case (.optional, .null): return nil
        case (.optional(let inner), _): return mismatch(value, inner, at: path)
        case (.bool, .bool), (.int, .int), (.float, .int), (.float, .double), (.string, .string), (.object, .object):
            return nil
        case (.enumeration(let cases), .string(let text)):
            return cases.contains(text) ? nil : "\(path): \(text) is not one of \(cases)"
        case (.array(let inner), .array(let items)):
            return items.enumerated().lazy.compactMap { mismatch($1, inner, at: "\(path)[\($0)]") }.first
        case (.map(let inner), .object(let members)):
            return members.lazy.compactMap { mismatch($1, inner, at: "\(path).\($0)") }.first
        case (.structure(let fields), .object(let members)):
            let names = Set(fields.map(\.name))
            if let unknown = members.keys.sorted().first(where: { !names.contains($0) }) {
                return "\(path).\(unknown): not in \(type)"
            }
            return fields.lazy.compactMap { mismatch(members[$0.name] ?? .null, $0.type, at: "\(path).\($0.name)") }
                .first
        default: return "\(path): \(value.canonicalText) is not a \(type)"
        }
    }
}
