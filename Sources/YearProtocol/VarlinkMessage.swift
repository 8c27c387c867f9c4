import Foundation
import YearCore

/// A Varlink call as it arrives: `{"method": "iface.Method", "parameters": {...}, "oneway": ..., "more": ...}`.
public struct VarlinkCall: Sendable, Codable {
    /// The fully qualified method name.
    public var method: String
    /// The parameters, an object (absent means none).
    public var parameters: JSONValue?
    /// The caller wants no reply.
    public var oneway: Bool?
    /// The caller accepts several replies.
    public var more: Bool?
    /// The caller wants to switch protocols after the reply.
    public var upgrade: Bool?

    /// A call with every field given.
    public init(method: String, parameters: JSONValue? = nil, oneway: Bool? = nil, more: Bool? = nil) {
        self.method = method
        self.parameters = parameters
        self.oneway = oneway
        self.more = more
    }
}

extension VarlinkCall {
    /// Why a message is not a Varlink call.
    public struct Malformed: Error, Equatable, Sendable, CustomStringConvertible {
        /// What is wrong, in words (with the byte offset when the JSON itself is at fault).
        public let reason: String
        /// The reason.
        public var description: String { reason }
    }

    /// Reads a call from one message's bytes, strictly: the JSON as `StrictJSON` accepts it, an object with a
    /// string `method`, booleans `oneway`, `more`, `upgrade` and no other key.
    public init(parsing message: some Collection<UInt8>) throws(Malformed) {
        let value: JSONValue
        do {
            value = try StrictJSON.parse(message)
        } catch {
            throw Malformed(reason: "not JSON: \(error)")
        }
        guard case .object(let fields) = value else { throw Malformed(reason: "a call must be a JSON object") }
        if let unknown = fields.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw Malformed(reason: "unknown field '\(unknown.prefix(40))' in the call")
        }
        guard case .string(let method)? = fields["method"] else {
            throw Malformed(reason: "a call needs \"method\", a string")
        }
        func flag(_ name: String) throws(Malformed) -> Bool? {
            switch fields[name] {
            case nil, .null?: return nil
            case .bool(let value)?: return value
            default: throw Malformed(reason: "\"\(name)\" must be true or false")
            }
        }
        // Parameters that are not an object are the method's InvalidParameter, answered on an open connection.
        self.init(method: method, parameters: fields["parameters"], oneway: try flag("oneway"), more: try flag("more"))
        upgrade = try flag("upgrade")
    }

    private static let fields: Set<String> = ["method", "parameters", "oneway", "more", "upgrade"]
}

/// The typed view of a call's parameters, decoded from the same bytes as the call.
public struct VarlinkCallParameters<P: Decodable>: Decodable {
    /// The parameters, absent when the call has none.
    public var parameters: P?
}

/// A Varlink reply: parameters, or an error name with its parameters.
public struct VarlinkReply<P: Encodable>: Encodable {
    /// The reply's parameters (or the error's).
    public var parameters: P?
    /// More replies follow.
    public var continues: Bool?
    /// The fully qualified error name.
    public var error: String?

    /// A reply with every field given.
    public init(parameters: P?, continues: Bool? = nil, error: String? = nil) {
        self.parameters = parameters
        self.continues = continues
        self.error = error
    }
}

/// A reply read once: its typed parameters, or an error's name and raw parameters. (Reading the envelope as a
/// `JSONValue` tree first, then the parameters again, cost a region's ОО-1 reply of 5 MB three seconds.)
public enum VarlinkReplyOf<P: Decodable>: Decodable {
    /// The method's reply.
    case reply(P)
    /// An error reply: its qualified name and its parameters as sent.
    case error(name: String, parameters: JSONValue)

    private enum CodingKeys: String, CodingKey {
        case parameters, error
    }

    /// Reads `error` first: an error's parameters are kept raw, a reply's are decoded as `P`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let name = try container.decodeIfPresent(String.self, forKey: .error) {
            self = .error(
                name: name,
                parameters: try container.decodeIfPresent(JSONValue.self, forKey: .parameters) ?? .object([:]))
        } else {
            self = .reply(try container.decode(P.self, forKey: .parameters))
        }
    }
}

/// Shared JSON coders: compact output, keys in declaration order (canonical forms use `JSONValue.canonicalText`).
public enum VarlinkJSON {
    /// Encodes a value for the wire.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Decodes a value from the wire.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}

/// An empty parameter object, for methods that take or return nothing.
public struct NoParameters: Codable, Sendable, Equatable {
    /// The empty value.
    public init() {}
}
