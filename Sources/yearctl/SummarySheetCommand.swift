import ArgumentParser
import Foundation
import YearCore
import YearProtocol
import YearReports
import YearSheets

/// `yearctl report summary-sheet`.
struct SummarySheetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary-sheet",
        abstract: "The summary sheet of year grades and promotion per class (kept 25 years).",
        discussion: """
            Per class: its students down, the subjects of its curriculum across (then any other subject a student \
            was graded in), each year grade, and the pedagogical council's decision with its order. --format xlsx \
            writes a sheet per class, marks as numbers. Each call is recorded in the audit log: the sheet names \
            persons. \(YeardAPI.help(for: YeardAPI.Reports.summarySheet))
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?
    @Option(name: .customLong("class"), help: "Only this class.") var group: String?
    @Option(help: "text (default), csv, xlsx (an Excel workbook) or html (a page to print).")
    var format: OO1Command.Format = .text
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var templates: TemplateOptions

    func run() async throws {
        let l = options.l
        // The templates first: a broken one fetches no one's data.
        let pages = format == .html && !options.json ? try templates.load(l) : nil
        let reply = try await Client(options: options).call(
            YeardAPI.Reports.summarySheet, SummarySheetParameters(school: options.school, year: year, class: group))
        if options.json {
            printJSON(reply)
            return
        }
        let sheet = reply.sheet
        switch format {
        case .text:
            let parts = sheet.classes.map { part in
                Self.title(part, sheet, l) + "\n\n"
                    + TextTable.render(
                        Self.header(part, l), Self.rows(part, l).map { $0.map(OO1Command.shown) }, empty: "")
            }
            try writeReport(
                parts.isEmpty ? l.tr("no enrollments in this period") + "\n" : parts.joined(separator: "\n"),
                to: output,
                l)
        case .csv:
            var text = ""
            for part in sheet.classes {
                text += CSVWriter.line([Self.title(part, sheet, l)]) + CSVWriter.line(Self.header(part, l))
                text += Self.rows(part, l).map { CSVWriter.line($0.map(OO1Command.shown)) }.joined() + "\n"
            }
            try writeReport(text, to: output, l)
        case .xlsx:
            try writeWorkbook(to: output, suggesting: "summary-sheet.xlsx", l) { writer in
                for part in sheet.classes {
                    try writer.beginSheet(part.class, header: Self.header(part, l))
                    for row in Self.rows(part, l) { try writer.append(row) }
                    try writer.append([])
                    try writer.append([.text(Self.title(part, sheet, l))])
                }
            }
        case .html: try writeReport(try Self.html(sheet, pages ?? templates.load(l), l), to: output, l)
        }
    }

    /// A class's title: the school, the year, the class, its profile and class teacher.
    static func title(_ part: SummaryClass, _ sheet: SummarySheetReport, _ l: Localizer) -> String {
        var title = l.tr(
            "Summary sheet of grades and promotion: {name}, year {year}, class {class}",
            ["name": sheet.schoolName, "year": sheet.year, "class": part.class])
        if let profile = part.profile, !profile.isEmpty {
            title += ", " + l.tr("profile {profile}", ["profile": profile])
        }
        if let teacher = part.teacher { title += "; " + l.tr("class teacher {name}", ["name": teacher]) }
        return title
    }

    /// A page per class to print (summary-sheet.mustache, landscape), the class teacher's signature at its end.
    static func html(_ sheet: SummarySheetReport, _ templates: Templates, _ l: Localizer) throws -> String {
        let classes: [[String: Any]] = sheet.classes.map { part in
            var details: [String] = []
            if let profile = part.profile, !profile.isEmpty {
                details.append(l.tr("profile {profile}", ["profile": profile]))
            }
            if let teacher = part.teacher { details.append(l.tr("class teacher {name}", ["name": teacher])) }
            return [
                "heading": l.tr(
                    "Summary sheet of grades and promotion: {name}, year {year}, class {class}",
                    ["name": sheet.schoolName, "year": sheet.year, "class": part.class]),
                "details": details.isEmpty ? false : details.joined(separator: "; ") as Any,
                "subjects": part.subjects.map { ["name": $0.name] }, "teacher": part.teacher ?? "",
                "students": part.students.enumerated().map { index, student -> [String: Any] in
                    [
                        "number": index + 1, "name": student.name,
                        "marks": part.subjects.map { OO1Command.shown(mark(student.grades[$0.id], l)) },
                        "decision": student.outcome?.name(l) ?? "",
                        "order": student.orderNo.map { orderReference($0, date: student.orderDate, l) } ?? "",
                        "debts": student.debts ?? "",
                    ]
                },
            ]
        }
        let words = [
            "student": l.tr("Student"), "decision": l.tr("Decision"), "order": l.tr("Order"),
            "debt": l.tr("Academic debt"), "teacher": l.tr("Class teacher"),
        ]
        let page = DocumentPage(
            title: l.tr(
                "Summary sheet of grades and promotion: {name}, year {year}",
                ["name": sheet.schoolName, "year": sheet.year]),
            school: sheet.schoolName, printed: today())
        return try templates.render(
            "summary-sheet",
            page.model(l, ["classes": classes, "words": words, "nothing": l.tr("no enrollments in this period")]))
    }

    static func header(_ part: SummaryClass, _ l: Localizer) -> [String] {
        ["№", l.tr("Student")] + part.subjects.map(\.name) + [
            l.tr("Decision"), l.tr("Order"), l.tr("Order date"), l.tr("Academic debt"),
        ]
    }

    /// A mark as the sheet writes it: 2-5 as numbers, the others in words ("зач", "осв").
    static func mark(_ text: String?, _ l: Localizer) -> WorkbookWriter.Cell {
        switch text {
        case nil: .empty
        case "pass": .text(l.trc("year mark", "pass"))
        case "fail": .text(l.trc("year mark", "fail"))
        case "exempt": .text(l.trc("year mark", "exempt"))
        case let value?: Int64(value).map(WorkbookWriter.Cell.integer) ?? .text(value)
        }
    }

    /// A row per student: number, name, a mark per subject, the decision and its order.
    static func rows(_ part: SummaryClass, _ l: Localizer) -> [[WorkbookWriter.Cell]] {
        part.students.enumerated().map { index, student in
            [.integer(Int64(index + 1)), .text(student.name)]
                + part.subjects.map { mark(student.grades[$0.id], l) }
                + [
                    .text(student.outcome?.name(l) ?? ""), .text(student.orderNo ?? ""),
                    student.orderDate.flatMap { CalendarDate(iso: $0) }.map(WorkbookWriter.Cell.date) ?? .empty,
                    .text(student.debts ?? ""),
                ]
        }
    }
}
