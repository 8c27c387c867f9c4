import Foundation
import YearCore

#if canImport(Glibc)
    import Glibc
#endif

/// Converts a file's bytes from one of the encodings registry files come in to UTF-8, chunk by chunk, through
/// glibc's iconv (the maintained converter every Linux has): memory stays a chunk's, whatever the file's size.
final class TextConverter {
    private let descriptor: iconv_t
    private var pending: [UInt8] = []
    private let encoding: TextEncoding
    /// The lines converted so far, to say where an invalid byte is.
    private(set) var lines = 1

    /// Bytes that are not text in the encoding: where, and which.
    struct InvalidText: Error {
        var line: Int, byte: UInt8, encoding: TextEncoding
    }

    /// A converter from `encoding`, or nil when this machine's iconv lacks it.
    init?(from encoding: TextEncoding) {
        let descriptor = iconv_open("UTF-8", encoding.iconvName)
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else { return nil }
        self.descriptor = descriptor
        self.encoding = encoding
    }

    deinit { iconv_close(descriptor) }

    /// The first bytes that were not text, once met: what `convert` returned is the text before them.
    private(set) var invalid: InvalidText?

    /// The UTF-8 of `chunk` (a character cut at its end is kept for the next chunk); at bytes that are not text in
    /// the encoding, the text before them, with `invalid` set.
    func convert(_ chunk: some Collection<UInt8>) -> [UInt8] {
        var input = pending + chunk
        pending = []
        // A Windows-1251 byte becomes at most 3 bytes of UTF-8 (`№`), two UTF-16 bytes at most 3.
        var output = [UInt8](repeating: 0, count: input.count * 3 + 16)
        var inputLeft = input.count
        var outputLeft = output.count
        var failure: Int32 = 0
        input.withUnsafeMutableBytes { inputBytes in
            output.withUnsafeMutableBytes { outputBytes in
                var inPointer = inputBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outPointer = outputBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                if iconv(descriptor, &inPointer, &inputLeft, &outPointer, &outputLeft) == -1 { failure = errno }
            }
        }
        let converted = Array(output[0..<(output.count - outputLeft)])
        lines += converted.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        switch failure {
        case 0: break
        case EINVAL:
            // An incomplete character at the end of the chunk: it continues in the next one.
            pending = Array(input[(input.count - inputLeft)...])
        default:
            invalid = InvalidText(line: lines, byte: input[input.count - inputLeft], encoding: encoding)
        }
        return converted
    }

    /// Fails when the file ended inside a character.
    func finish() throws(InvalidText) {
        if let byte = pending.first { throw InvalidText(line: lines, byte: byte, encoding: encoding) }
    }
}
