import Foundation
import Testing
import YearCore

@testable import YearSheets

/// Workbooks written by `WorkbookWriter`, read back by `Workbook` (openpyxl reads them in the end-to-end tests).
@Suite("Writing .xlsx workbooks")
struct WorkbookWriterTests {
    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID()).xlsx").path
    }

    static func rows(_ path: String, sheet: String? = nil) throws -> [Workbook.Row] {
        var workbook = try Workbook(path: path)
        var rows: [Workbook.Row] = []
        try workbook.rows(of: try workbook.sheet(sheet)) { rows.append($0) }
        return rows
    }

    @Test("typed cells read back as written: text (a formula-like text stays text), numbers, dates, empties")
    func typed() throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try WorkbookWriter(path: path)
        try writer.beginSheet("Ученики 5А", header: ["ID", "Фамилия", "Дата рождения", "Баллы", "Заметка"])
        let born = try #require(CalendarDate(year: 2015, month: 3, day: 1))
        try writer.append([.text("S1"), .text("Ёлкин & <Ко>"), .date(born), .integer(30), .text("=HYPERLINK(\"x\")")])
        try writer.append([.text("S2"), .empty, .empty, .number(4.5), .text("строка 1\nстрока 2\u{7}")])
        try writer.beginSheet("Ученики 5А", header: ["x"])
        try writer.append([.integer(1)])
        try writer.finish()

        var workbook = try Workbook(path: path)
        #expect(workbook.sheets.map(\.name) == ["Ученики 5А", "Ученики 5А (2)"])
        let rows = try Self.rows(path)
        #expect(rows.count == 3)
        #expect(rows[0].cells == [0: "ID", 1: "Фамилия", 2: "Дата рождения", 3: "Баллы", 4: "Заметка"])
        #expect(
            rows[1].cells == [0: "S1", 1: "Ёлкин & <Ко>", 2: "2015-03-01", 3: "30", 4: "=HYPERLINK(\"x\")"])
        #expect(rows[1].formulas.isEmpty)
        #expect(rows[2].cells == [0: "S2", 3: "4.5", 4: "строка 1\nстрока 2"])
        var second: [Workbook.Row] = []
        try workbook.rows(of: try workbook.sheet("Ученики 5А (2)")) { second.append($0) }
        #expect(second.map(\.cells) == [[0: "x"], [0: "1"]])
    }

    @Test("tab names are made fit for Excel: forbidden characters, 31 characters, unique without case")
    func tabNames() {
        #expect(WorkbookWriter.tabName("5А/5Б: итоги?", taken: []) == "5А_5Б_ итоги_")
        #expect(WorkbookWriter.tabName(String(repeating: "я", count: 40), taken: []).count == 31)
        #expect(WorkbookWriter.tabName("Лист", taken: ["лист"]) == "Лист (2)")
        #expect(WorkbookWriter.tabName("''", taken: []) == "Sheet")
    }

    @Test("a sheet of 200,000 rows streams through a temporary file and reads back whole")
    func large() throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try WorkbookWriter(path: path)
        try writer.beginSheet("Лист1", header: ["n", "text"])
        for n in 0..<200_000 { try writer.append([.integer(Int64(n)), .text("строка \(n)")]) }
        try writer.finish()
        var count = 0, last: Workbook.Row?
        var workbook = try Workbook(path: path)
        try workbook.rows(of: try workbook.sheet(nil)) {
            count += 1
            last = $0
        }
        #expect(count == 200_001 && last?.cells == [0: "199999", 1: "строка 199999"])
    }

    @Test("an empty workbook still has a sheet")
    func empty() throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try WorkbookWriter(path: path)
        try writer.finish()
        #expect(try Workbook(path: path).sheets.map(\.name) == ["Sheet1"])
    }
}
