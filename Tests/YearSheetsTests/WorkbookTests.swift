import Foundation
import Testing
import YearCore
import ZIPFoundation

@testable import YearSheets

/// Workbooks made of SpreadsheetML parts as Excel and LibreOffice write them, read row by row.
@Suite("Reading .xlsx workbooks")
struct WorkbookTests {
    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>
        """

    /// A workbook at a new path with one sheet per (name, sheet XML body), shared strings and styles.
    static func workbook(
        sheets: [(String, String)], strings: [String] = [], styles: String? = nil, date1904: Bool = false
    ) throws -> String {
        var parts: [(String, Data)] = [("[Content_Types].xml", Data(contentTypes.utf8))]
        let sheetList = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(sheet.0)\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }.joined()
        parts.append(
            (
                "xl/workbook.xml",
                Data(
                    """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                    xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                    <workbookPr\(date1904 ? " date1904=\"1\"" : "")/><sheets>\(sheetList)</sheets></workbook>
                    """.utf8)
            ))
        let relations = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }.joined()
        parts.append(
            (
                "xl/_rels/workbook.xml.rels",
                Data(
                    """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(relations)</Relationships>
                    """.utf8)
            ))
        for (index, sheet) in sheets.enumerated() {
            parts.append(
                (
                    "xl/worksheets/sheet\(index + 1).xml",
                    Data(
                        """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\(sheet.1)</sheetData></worksheet>
                        """.utf8)
                ))
        }
        if !strings.isEmpty {
            let items = strings.map { "<si><t xml:space=\"preserve\">\($0)</t></si>" }.joined()
            parts.append(
                (
                    "xl/sharedStrings.xml",
                    Data(
                        """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\(items)</sst>
                        """.utf8)
                ))
        }
        if let styles { parts.append(("xl/styles.xml", Data(styles.utf8))) }
        return try ZipReaderTests.archive(parts)
    }

    static func rows(_ path: String, sheet: String? = nil) throws -> [Workbook.Row] {
        var workbook = try Workbook(path: path)
        var rows: [Workbook.Row] = []
        try workbook.rows(of: try workbook.sheet(sheet)) { rows.append($0) }
        return rows
    }

    static let styles = """
        <?xml version="1.0" encoding="UTF-8"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/><numFmt numFmtId="165" formatCode="0.00&quot;d&quot;"/></numFmts>\
        <cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs>\
        </styleSheet>
        """

    @Test("shared and inline strings, numbers without exponents, dates by style, booleans, formulas' values")
    func cells() throws {
        let path = try Self.workbook(
            sheets: [
                (
                    "Лист1",
                    """
                    <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>СНИЛС</t></is></c></row>\
                    <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>46266</v></c><c r="C2"><v>12345678901</v></c>\
                    <c r="D2" s="2"><v>42248</v></c><c r="E2" s="3"><v>4.5</v></c><c r="F2" t="b"><v>1</v></c>\
                    <c r="G2" t="str"><f>A2&amp;"!"</f><v>Иванов!</v></c><c r="H2"><v>1.2E3</v></c></row>\
                    <row r="5"><c r="B5"><v>7</v></c></row><row r="6"></row>
                    """
                )
            ], strings: ["Фамилия", "Дата рождения", "Иванов"], styles: Self.styles)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = try Self.rows(path)
        #expect(rows.map(\.number) == [1, 2, 5], "an empty row is no row")
        #expect(rows[0].cells == [0: "Фамилия", 1: "Дата рождения", 2: "СНИЛС"])
        #expect(
            rows[1].cells == [
                0: "Иванов", 1: "2026-09-01", 2: "12345678901", 3: "2015-09-01", 4: "4.5", 5: "TRUE", 6: "Иванов!",
                7: "1200",
            ])
        #expect(rows[1].formulas == [6])
        #expect(rows[2].cells == [1: "7"])
    }

    @Test("the 1904 date system, cells without references, and the sheet chosen by its name")
    func systemsAndSheets() throws {
        let path = try Self.workbook(
            sheets: [
                ("Первый", "<row><c><v>1</v></c></row>"),
                ("Ученики", "<row><c s=\"1\"><v>0</v></c><c><v>2</v></c></row>"),
            ], styles: Self.styles, date1904: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Self.rows(path).first?.cells == [0: "1"])
        let rows = try Self.rows(path, sheet: "ученики")
        #expect(rows.first?.number == 1 && rows.first?.cells == [0: "1904-01-01", 1: "2"])
        #expect(throws: Workbook.Failure.noSheet("Лист9", ["Первый", "Ученики"])) {
            _ = try Self.rows(path, sheet: "Лист9")
        }
    }

    @Test("serial dates: the 1900 leap-year bug is behind us from March 1900, and Excel's epoch")
    func serials() {
        #expect(SheetParser.date(serial: 61, date1904: false) == "1900-03-01")
        #expect(SheetParser.date(serial: 45536.75, date1904: false) == "2024-09-01")
        #expect(SheetParser.date(serial: 0, date1904: false) == nil)
        #expect(SheetParser.reference("XFD1048576")! == (1_048_576, 16_383))
        #expect(SheetParser.reference("E7")! == (7, 4))
        #expect(SheetParser.reference("XFE1") == nil && SheetParser.reference("A0") == nil)
        #expect(SheetParser.reference("1A") == nil)
        #expect(
            ImportProblem.columnLetters(5) == "E" && ImportProblem.columnLetters(16_384) == "XFD"
                && ImportProblem.columnLetters(27) == "AA")
        #expect(StylesParser.isDate("dd/mm/yyyy") && StylesParser.isDate("[$-419]D MMMM YYYY"))
        #expect(!StylesParser.isDate("0.00\"d\"") && !StylesParser.isDate("[Red]0") && !StylesParser.isDate("#,##0"))
    }

    @Test("a part that declares entities is refused unparsed (billion laughs, XXE)")
    func doctype() throws {
        let laughs = """
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\
            <row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>
            """
        let path = try Self.workbook(sheets: [("Лист1", laughs)])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: Workbook.Failure.doctype("xl/worksheets/sheet1.xml")) { _ = try Self.rows(path) }
    }

    @Test("broken XML, a bad reference and a missing shared string are refused, not half read")
    func malformed() throws {
        for body in [
            "<row r=\"1\"><c r=\"A1\"><v>1</v></row>", "<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>9</v></c></row>",
        ] {
            let path = try Self.workbook(sheets: [("Лист1", body)], strings: ["a"])
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: (any Error).self) { _ = try Self.rows(path) }
        }
    }
}
