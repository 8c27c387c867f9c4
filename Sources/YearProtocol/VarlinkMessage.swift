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

/// A reply as the client reads it: the raw parameters and an error name, if any.
public struct VarlinkReplyEnvelope: Decodable, Sendable {
    /// The parameters, an object.
    public var parameters: JSONValue?
    /// More replies follow.
    public var continues: Bool?
    /// The error name, if the call failed.
    public var error: String?
}

/// The typed reply parameters, decoded from the reply's bytes.
public struct VarlinkTypedReply<P: Decodable>: Decodable {
    /// The parameters.
    public var parameters: P
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
