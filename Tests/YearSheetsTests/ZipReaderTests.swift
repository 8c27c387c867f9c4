import Foundation
import NIOCore
import Testing
import ZIPFoundation

@testable import YearSheets

/// The ZIP container of workbooks, read from archives another writer made (ZIPFoundation's), and from hostile ones.
@Suite("Reading ZIP archives defensively")
struct ZipReaderTests {
    /// An archive at a new path with `parts` (name, bytes), deflated unless `stored`.
    static func archive(_ parts: [(String, Data)], stored: Bool = false) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID()).zip").path
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, data) in parts {
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count),
                compressionMethod: stored ? .none : .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return path
    }

    static func contents(_ reader: inout ZipReader, _ name: String) throws -> Data {
        var data = Data()
        let entry = try #require(reader.entry(name))
        try reader.read(entry) { buffer in data.append(contentsOf: buffer.readableBytesView) }
        return data
    }

    @Test("every entry reads back as written, deflated or stored, small or larger than a chunk")
    func roundTrip() throws {
        let big = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        for stored in [false, true] {
            let path = try Self.archive(
                [("[Content_Types].xml", Data("<Types/>".utf8)), ("xl/worksheets/Лист1.xml", big)], stored: stored)
            defer { try? FileManager.default.removeItem(atPath: path) }
            var reader = try ZipReader(path: path)
            #expect(reader.entries.map(\.name) == ["[Content_Types].xml", "xl/worksheets/Лист1.xml"])
            #expect(try Self.contents(&reader, "[Content_Types].xml") == Data("<Types/>".utf8))
            #expect(try Self.contents(&reader, "xl/worksheets/Лист1.xml") == big)
        }
    }

    @Test("a file that is not a ZIP, an empty one, and a CSV renamed are refused as not ZIP")
    func notZip() throws {
        for bytes in [Data(), Data("a,b\n1,2\n".utf8), Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nz-\(UUID())").path
            _ = FileManager.default.createFile(atPath: path, contents: bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: ZipReader.Failure.notZip) { _ = try ZipReader(path: path) }
        }
    }

    @Test("a zip bomb stops at the limit, whatever its entry declares")
    func bomb() throws {
        let path = try Self.archive([("xl/worksheets/sheet1.xml", Data(count: 8 << 20))])
        defer { try? FileManager.default.removeItem(atPath: path) }
        var limits = ZipReader.Limits()
        limits.entryBytes = 4 << 20
        var reader = try ZipReader(path: path, limits: limits)
        var seen = 0
        #expect(throws: ZipReader.Failure.self) {
            try reader.read(reader.entries[0]) { seen += $0.readableBytes }
        }
        #expect(seen <= 4 << 20)
        // With room for it, the ratio (8 MB of zeros from a few kilobytes) refuses it as well.
        var roomy = try ZipReader(path: path)
        #expect(throws: ZipReader.Failure.ratio("xl/worksheets/sheet1.xml")) {
            try roomy.read(roomy.entries[0]) { _ in }
        }
    }

    @Test("an entry whose deflate stream needs more bytes than it has is damaged, at once, never a loop")
    func cutStream() throws {
        let data = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) })
        let path = try Self.archive([("a.xml", data)])
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Halve the compressed size in the local header and in the central directory.
        let local = 0
        let compressed = Int(bytes[local + 18]) | Int(bytes[local + 19]) << 8 | Int(bytes[local + 20]) << 16
        let half = compressed / 2
        let signature: [UInt8] = [0x50, 0x4B, 1, 2]
        let starts = Array(0..<(bytes.count - 4))
        let found = starts.last { start in Array(bytes[start..<(start + 4)]) == signature }
        let central = try #require(found)
        for offset in [local + 18, central + 20] {
            bytes[offset] = UInt8(half & 0xFF)
            bytes[offset + 1] = UInt8(half >> 8 & 0xFF)
            bytes[offset + 2] = UInt8(half >> 16 & 0xFF)
            bytes[offset + 3] = 0
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var reader = try ZipReader(path: path)
        do {
            try reader.read(reader.entries[0]) { _ in }
            Issue.record("a cut entry was read")
        } catch let failure as ZipReader.Failure {
            // The stream wants bytes the entry has not, or what came out is short of its size and CRC-32.
            #expect(failure == .checksum("a.xml") || failure == .damaged("the entry a.xml is cut short"))
        }
    }

    @Test("a flipped byte inside an entry fails its checksum or its stream")
    func corrupted() throws {
        let path = try Self.archive(
            [("a.xml", Data(String(repeating: "<row r=\"1\"/>", count: 2000).utf8))], stored: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[30 + 5 + 100] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var reader = try ZipReader(path: path)
        #expect(throws: ZipReader.Failure.checksum("a.xml")) { try reader.read(reader.entries[0]) { _ in } }
    }
}
