import Foundation
import Testing
import YearCore

@testable import YearStore

/// Files as Russian spreadsheets save them: Windows-1251 CSV and UTF-16 "Unicode text", read through iconv into
/// exactly what the same file in UTF-8 gives.
@Suite("Registry files in the encodings Russian spreadsheets write")
struct EncodingImportTests {
    static let staff = "ID сотрудника;Фамилия;Имя;Отчество;Должность;Логин\r\nT1;Ёлкина;Анна;Ивановна;учитель № 1;a\r\n"

    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for unit in text.utf16 {
            let pair = [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            bytes += bigEndian ? pair.reversed() : pair
        }
        return bytes
    }

    @Test("Windows-1251 and UTF-16 files import as the UTF-8 file does, and say which encoding was read")
    func encodings() async throws {
        let windows1251 = try #require(Self.staff.data(using: .windowsCP1251))
        for (bytes, encoding) in [
            ([UInt8](windows1251), TextEncoding.windows1251), (Self.utf16(Self.staff, bigEndian: false), .utf16le),
            (Self.utf16(Self.staff, bigEndian: true), .utf16be), (Array(Self.staff.utf8), .utf8),
        ] {
            let store = try await StoreFixture()
            let outcome = try await store.importBytes(.staff, bytes, year: nil)
            #expect(outcome.problemCount == 0, "\(encoding): \(outcome.problems)")
            #expect(outcome.encoding == encoding && outcome.added == 1)
            let exported = try await store.database.exportRegistry(
                kind: .staff, school: "school-a", year: nil, after: nil, limit: 10
            ).csv
            #expect(exported.contains("T1,Ёлкина,Анна,Ивановна,учитель № 1,a"), "\(encoding): \(exported)")
        }
    }

    @Test("a file that is no known encoding is refused with how to save it; a forced encoding is used as named")
    func refused() async throws {
        let store = try await StoreFixture()
        // KOI8-R: its capitals fall where Windows-1251 has lower-case letters.
        let koi8: [UInt8] =
            Array("staff_id;last_name;first_name\r\nT1;".utf8) + [0xF0, 0xC5, 0xD4, 0xD2, 0xCF, 0xD7]
            + Array(";A\r\n".utf8)
        let outcome = try await store.importBytes(.staff, koi8, year: nil)
        #expect(outcome.problemCount == 1 && outcome.added == 0)
        #expect(outcome.problems.first?.message.contains("save it from the spreadsheet as 'CSV UTF-8'") == true)
        // Named Windows-1251 for bytes 1251 does not define (0x98): the byte and its line are named.
        let bad: [UInt8] = Array("staff_id;last_name;first_name\r\nT1;".utf8) + [0xCF, 0x98] + Array(";A\r\n".utf8)
        let named = try await store.importBytes(.staff, bad, year: nil, encoding: .windows1251)
        #expect(named.problems.map(\.line) == [2], "\(named.problems)")
        #expect(named.problems.first?.message.contains("the byte 0x98 is not WINDOWS-1251 text") == true)
        // A UTF-16 file cut inside a character.
        let cut = Array(Self.utf16(Self.staff, bigEndian: false).dropLast())
        let truncated = try await store.importBytes(.staff, cut, year: nil)
        #expect(truncated.problemCount == 1 && truncated.added == 0, "\(truncated.problems)")
    }
}
