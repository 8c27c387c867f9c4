import Foundation
import NIOCore
import NIOEmbedded
import YearCore
import YearProtocol

extension FuzzTarget {
    /// The message parser: `StrictJSON` and `VarlinkCall(parsing:)`.
    ///
    /// Oracles: what StrictJSON accepts, Foundation's parser accepts too (StrictJSON is the stricter of the two); its
    /// canonical text (what approvals and the audit chain hash) parses back to the same canonical text; a call's method and flags come from the message's own fields.
    static let varlinkMessage = FuzzTarget(name: "varlink-message") { input in
        let data = Data(input)
        guard let value = try? StrictJSON.parse(data) else {
            _ = try? VarlinkCall(parsing: data)
            return
        }
        if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil {
            fail("StrictJSON accepted what Foundation's parser refuses", input: input)
        }
        let canonical = Data(value.canonicalText.utf8)
        guard let again = try? StrictJSON.parse(canonical) else {
            fail("the canonical text does not parse back: \(value.canonicalText.prefix(200))", input: input)
        }
        if again.canonicalText != value.canonicalText {
            fail("the canonical text is not a fixed point: \(value.canonicalText.prefix(200))", input: input)
        }
        if let call = try? VarlinkCall(parsing: data) {
            guard case .string(let method)? = value["method"], method == call.method else {
                fail("the call's method is not the message's \"method\" string", input: input)
            }
            if call.oneway != value["oneway"]?.boolValue || call.more != value["more"]?.boolValue {
                fail("the call's flags are not the message's", input: input)
            }
        } else if case .object(let fields) = value, case .string? = fields["method"],
            fields.keys.allSatisfy({ ["method", "parameters", "oneway", "more", "upgrade"].contains($0) }),
            ["oneway", "more", "upgrade"].allSatisfy({
                fields[$0] == nil || fields[$0] == .null
                    || fields[$0]?.boolValue != nil
            })
        {
            fail("a well-formed call was refused", input: input)
        }
    }

    /// The frame decoder: bytes in chunks of every size, split at NUL bytes, with a small size limit.
    ///
    /// Oracle: the frames that come out are exactly the input's NUL-terminated pieces, in order, as long as none is
    /// over the limit; the decoder refuses (FrameTooLarge) only when one is, and never buffers more than the limit.
    static let varlinkFrame = FuzzTarget(name: "varlink-frame") { input in
        guard input.count >= 2 else { return }
        let chunk = Int(input[0] % 17) + 1
        let limit = Int(input[1] % 64) + 1
        let stream = Array(input.dropFirst(2))
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(VarlinkFrameDecoder(maximumSize: limit)))
        var frames: [[UInt8]] = []
        var refused = false
        var offset = 0
        while offset < stream.count && !refused {
            let piece = stream[offset..<min(offset + chunk, stream.count)]
            offset += piece.count
            do {
                try channel.writeInbound(channel.allocator.buffer(bytes: piece))
            } catch is VarlinkFrameDecoder.FrameTooLarge {
                refused = true
            } catch {
                fail("the decoder threw \(error)", input: input)
            }
            // Frames complete before a refusal in the same read were delivered before it.
            while let frame = try? channel.readInbound(as: ByteBuffer.self) {
                frames.append(Array(frame.readableBytesView))
            }
        }
        _ = try? channel.finish()
        var expected = stream.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
        let unterminated = expected.removeLast()
        let tooLong = expected.firstIndex { $0.count > limit }
        if refused {
            // Refused: every frame before the first one over the limit came out, and one over it existed (or the
            // unterminated rest grew past the limit).
            let delivered = tooLong ?? expected.count
            if frames != Array(expected.prefix(delivered)) {
                fail("frames before a refusal differ from the input's", input: input)
            }
            if tooLong == nil && unterminated.count <= limit {
                fail("refused with no frame over the limit of \(limit)", input: input)
            }
        } else {
            if tooLong != nil || unterminated.count > limit {
                fail("a frame over the limit of \(limit) was accepted", input: input)
            }
            if frames != expected { fail("the frames differ from the input's NUL-terminated pieces", input: input) }
        }
    }
}

extension JSONValue {
    /// The value when this is a boolean.
    fileprivate var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}
