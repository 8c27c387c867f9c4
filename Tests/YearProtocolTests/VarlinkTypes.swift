import YearCore

/// The types of a Varlink interface description, parsed as the specification defines them (varlink.org,
/// "Interface Definition"): enough to build a sample value of any type and to check a value against a type.
/// Written here because no maintained Swift package parses Varlink IDL; the Python `varlink` package, which the e2e
/// tests use, is the independent parser that checks the daemon's real replies.
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
            default: return .named(name)
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

    /// A value of `type`: every optional present when `full`, absent otherwise; the `variant`-th case of each enum
    /// (modulo its count), so that a series of variants visits every case.
    func sample(_ type: VarlinkType, full: Bool, variant: Int) -> JSONValue {
        switch resolve(type) {
        case .bool: return .bool(variant % 2 == 0)
        case .int: return .int(Int64(7 + variant))
        case .float: return .double(2.5)
        case .string: return .string("text \(variant)")
        case .object: return .object(["key": .int(1)])
        case .optional(let inner): return full ? sample(inner, full: full, variant: variant) : .null
        case .array(let inner): return .array([sample(inner, full: full, variant: variant)])
        case .map(let inner): return .object(["key": sample(inner, full: full, variant: variant)])
        case .named(let name): return .string("unresolved type \(name)")
        case .structure(let fields):
            var members: [String: JSONValue] = [:]
            for (name, fieldType) in fields {
                let value = sample(fieldType, full: full, variant: variant)
                if value != .null { members[name] = value }
            }
            return .object(members)
        case .enumeration(let cases): return .string(cases[variant % cases.count])
        }
    }

    /// The most cases any enum reachable from `type` has (1 when none).
    func widestEnum(in type: VarlinkType, seen: Set<String> = []) -> Int {
        switch type {
        case .optional(let inner), .array(let inner), .map(let inner): return widestEnum(in: inner, seen: seen)
        case .named(let name):
            guard !seen.contains(name), let found = types[name] else { return 1 }
            return widestEnum(in: found, seen: seen.union([name]))
        case .structure(let fields): return fields.map { widestEnum(in: $0.type, seen: seen) }.max() ?? 1
        case .enumeration(let cases): return cases.count
        default: return 1
        }
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

extension JSONValue {
    /// The value without its null members (an absent optional and a null one mean the same in Varlink).
    var withoutNulls: JSONValue {
        switch self {
        case .object(let members): .object(members.filter { $0.value != .null }.mapValues(\.withoutNulls))
        case .array(let items): .array(items.map(\.withoutNulls))
        default: self
        }
    }
}
