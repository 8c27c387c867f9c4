import CompressNIO
import Foundation
import NIOCore
import ZIPFoundation

/// The entries of a ZIP archive (an `.xlsx` workbook), read defensively from a file that a stranger may have made.
///
/// The container is parsed here, by hand, rather than through ZIPFoundation's `Archive`, for two measured reasons
/// in its 0.9.20 (the version of the package mirror) on Linux: `Data.decode` sets zlib's `avail_in` to the buffer
/// size whatever the chunk's length, so a short last chunk of a crafted entry makes zlib read past it; and its loop
/// runs until `Z_STREAM_END`, so a deflate stream cut before its end spins for ever (upstream pull request #389,
/// still open). Here the central directory is read with every offset checked against the file, and each entry is
/// inflated by compress-nio's `ZlibDecompressor` (a maintained zlib wrapper) from exactly its compressed bytes, its
/// output counted against limits (a zip bomb stops at the limit, not at the disk's end) and its CRC-32 compared.
/// ZIPFoundation still writes the workbooks yeard makes, and gives the CRC-32 (`Data.crc32`).
public struct ZipReader {
    /// One entry of the central directory.
    public struct Entry: Sendable, Equatable {
        /// Its name (UTF-8, or CP437 read as Latin-1 when the archive does not flag UTF-8).
        public var name: String
        /// 0 stored, 8 deflated.
        public var method: UInt16
        /// The CRC-32 and the sizes the directory declares (the uncompressed size is the maker's claim).
        public var crc32: UInt32, compressedSize: UInt64, uncompressedSize: UInt64
        /// Where its local header starts.
        var localHeaderOffset: UInt64
    }

    /// What an archive may hold before it is refused as a zip bomb or worse.
    public struct Limits: Sendable {
        /// Entries in the directory.
        public var entries = 10_000
        /// Bytes one entry may inflate to (whatever it declares).
        public var entryBytes: UInt64 = 200 << 20
        /// Bytes all the entries read may inflate to together.
        public var totalBytes: UInt64 = 400 << 20
        /// How many times its compressed size an entry may grow, once it is past a megabyte.
        public var ratio: UInt64 = 100

        /// The defaults: an entry of 200 MB, 400 MB in all, 100:1.
        public init() {}
    }

    /// Why an archive cannot be read.
    public enum Failure: Error, Equatable, Sendable {
        /// No end-of-central-directory record: not a ZIP file (an old `.xls`, a CSV renamed).
        case notZip
        /// An offset or a size points outside the file, or a record lacks its signature.
        case damaged(String)
        /// ZIP64 records (archives or entries over 4 GB), which a workbook of yeard's limits never needs.
        case zip64
        /// An encrypted entry (a password-protected workbook is an encrypted OLE file, but ZIP encryption too).
        case encrypted(String)
        /// A compression method other than stored or deflated.
        case method(String, UInt16)
        /// More entries than the limit.
        case tooManyEntries(Int)
        /// An entry inflates past a limit: its name and the limit in bytes.
        case tooLarge(String, UInt64)
        /// An entry grows more than the ratio allows.
        case ratio(String)
        /// The entry's bytes do not inflate to what its CRC-32 says.
        case checksum(String)
    }

    /// The entries, in the order of the central directory.
    public let entries: [Entry]
    private let file: FileHandle
    private let size: UInt64
    private let limits: Limits
    private var inflated: UInt64 = 0

    /// Opens `path` and reads its central directory.
    public init(path: String, limits: Limits = Limits()) throws {
        guard let file = FileHandle(forReadingAtPath: path) else { throw Failure.damaged("cannot open the file") }
        self.file = file
        self.limits = limits
        size = try file.seekToEnd()
        entries = try Self.directory(file, size: size, limits: limits)
    }

    /// The entry named `name`, if the archive has one.
    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// Bytes `count` at `offset`, all of them or an error.
    private static func read(_ file: FileHandle, at offset: UInt64, count: Int, size: UInt64) throws -> [UInt8] {
        guard offset <= size, UInt64(count) <= size - offset else {
            throw Failure.damaged("a record runs past the end")
        }
        try file.seek(toOffset: offset)
        let data = try file.read(upToCount: count) ?? Data()
        guard data.count == count else { throw Failure.damaged("the file ended inside a record") }
        return [UInt8](data)
    }

    /// The central directory, found from its end record.
    private static func directory(_ file: FileHandle, size: UInt64, limits: Limits) throws -> [Entry] {
        // The end record is 22 bytes and a comment of at most 65,535: look for its signature from the end.
        let tail = Int(min(size, 22 + 65_535))
        let bytes = try read(file, at: size - UInt64(tail), count: tail, size: size)
        guard tail >= 22,
            let end = stride(from: tail - 22, through: 0, by: -1).first(where: { bytes.u32($0) == 0x0605_4B50 })
        else { throw Failure.notZip }
        let count = Int(bytes.u16(end + 10))
        let directorySize = UInt64(bytes.u32(end + 12)), directoryOffset = UInt64(bytes.u32(end + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF { throw Failure.zip64 }
        guard bytes.u16(end + 4) == 0, bytes.u16(end + 6) == 0 else { throw Failure.damaged("a multi-part archive") }
        guard count <= limits.entries else { throw Failure.tooManyEntries(count) }
        // A directory is 46 bytes and a name per entry: one over 16 MB is not a workbook's, and is not read in.
        guard directorySize <= 16 << 20 else { throw Failure.damaged("a central directory of \(directorySize) bytes") }
        let directory = try read(file, at: directoryOffset, count: Int(directorySize), size: size)
        var entries: [Entry] = []
        var names: Set<String> = []
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, directory.u32(at) == 0x0201_4B50 else {
                throw Failure.damaged("the central directory is cut or misaligned")
            }
            let flags = directory.u16(at + 8), method = directory.u16(at + 10)
            let nameLength = Int(directory.u16(at + 28)), extraLength = Int(directory.u16(at + 30))
            let commentLength = Int(directory.u16(at + 32))
            guard at + 46 + nameLength + extraLength + commentLength <= directory.count else {
                throw Failure.damaged("an entry's name runs past the central directory")
            }
            let nameBytes = directory[(at + 46)..<(at + 46 + nameLength)]
            let name =
                flags & 0x800 != 0
                ? String(decoding: nameBytes, as: UTF8.self) : String(nameBytes.map { Character(Unicode.Scalar($0)) })
            let entry = Entry(
                name: name, method: method, crc32: directory.u32(at + 16),
                compressedSize: UInt64(directory.u32(at + 20)), uncompressedSize: UInt64(directory.u32(at + 24)),
                localHeaderOffset: UInt64(directory.u32(at + 42)))
            if entry.compressedSize == 0xFFFF_FFFF || entry.uncompressedSize == 0xFFFF_FFFF
                || entry.localHeaderOffset == 0xFFFF_FFFF
            {
                throw Failure.zip64
            }
            if flags & 1 != 0 { throw Failure.encrypted(name) }
            // A name twice would let one part be read where the workbook means another.
            guard names.insert(name).inserted else { throw Failure.damaged("the entry \(name) is named twice") }
            guard entry.localHeaderOffset < directoryOffset else {
                throw Failure.damaged("the entry \(name) starts inside the central directory")
            }
            entries.append(entry)
            at += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// Reads `entry`, handing its inflated bytes to `consume` in chunks of at most 64 KiB; refuses it past the
    /// limits, with a bad CRC-32, or when its bytes end before its deflate stream does.
    public mutating func read(_ entry: Entry, _ consume: (ByteBuffer) throws -> Void) throws {
        if entry.method != 0 && entry.method != 8 { throw Failure.method(entry.name, entry.method) }
        let header = try Self.read(file, at: entry.localHeaderOffset, count: 30, size: size)
        guard header.u32(0) == 0x0403_4B50 else { throw Failure.damaged("the entry \(entry.name) has no local header") }
        // The local header's own name and extra lengths say where the data start (they may differ from the
        // directory's).
        let start = entry.localHeaderOffset + 30 + UInt64(header.u16(26)) + UInt64(header.u16(28))
        guard start <= size, entry.compressedSize <= size - start else {
            throw Failure.damaged("the entry \(entry.name) runs past the end of the file")
        }
        let limit = min(limits.entryBytes, limits.totalBytes - min(inflated, limits.totalBytes))
        var produced: UInt64 = 0
        var crc = UInt32(0)
        func emit(_ buffer: ByteBuffer) throws {
            produced += UInt64(buffer.readableBytes)
            guard produced <= limit else { throw Failure.tooLarge(entry.name, limit) }
            // A megabyte grows as it likes (small parts compress well); past it, the ratio holds.
            guard produced <= 1 << 20 || produced / max(entry.compressedSize, 1) <= limits.ratio else {
                throw Failure.ratio(entry.name)
            }
            buffer.withUnsafeReadableBytes { crc = Data($0).crc32(checksum: crc) }
            try consume(buffer)
        }
        try file.seek(toOffset: start)
        var remaining = entry.compressedSize
        let chunk = 64 << 10
        if entry.method == 0 {
            while remaining > 0 {
                let data = try file.read(upToCount: Int(min(remaining, UInt64(chunk)))) ?? Data()
                guard !data.isEmpty else { throw Failure.damaged("the entry \(entry.name) is cut short") }
                remaining -= UInt64(data.count)
                try emit(ByteBuffer(bytes: data))
            }
        } else {
            let inflater = try ZlibDecompressor(algorithm: .deflate)
            var input = ByteBuffer()
            var output = ByteBufferAllocator().buffer(capacity: chunk)
            var ended = false
            while !ended {
                if input.readableBytes == 0 {
                    // The entry's own bytes and no more: a stream that wants more is damaged, never a loop.
                    guard remaining > 0 else { throw Failure.damaged("the entry \(entry.name) is cut short") }
                    let data = try file.read(upToCount: Int(min(remaining, UInt64(chunk)))) ?? Data()
                    guard !data.isEmpty else { throw Failure.damaged("the entry \(entry.name) is cut short") }
                    remaining -= UInt64(data.count)
                    input = ByteBuffer(bytes: data)
                }
                output.clear()
                do {
                    try inflater.inflate(from: &input, to: &output)
                    // zlib stops early only at the stream's end; with its input used up it may want more, which
                    // the entry has or has not (then the size and CRC-32 below tell a cut stream).
                    ended = input.readableBytes > 0 || remaining == 0
                } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                    // The output is full, or the input is used up: hand on what came out, and go on.
                } catch is CompressNIOError {
                    throw Failure.damaged("the entry \(entry.name) is not a valid deflate stream")
                }
                if output.readableBytes > 0 { try emit(output) }
            }
        }
        guard crc == entry.crc32, produced == entry.uncompressedSize else { throw Failure.checksum(entry.name) }
        inflated += produced
    }
}

extension [UInt8] {
    /// The little-endian 16-bit number at `offset`.
    fileprivate func u16(_ offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    /// The little-endian 32-bit number at `offset`.
    fileprivate func u32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }
}
