import ArgumentParser
import Foundation
import YearCore
import YearProtocol
import YearReports
import YearSheets

/// `yearctl report oo1`.
struct OO1Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oo1",
        abstract: "The student section of the statistical form OO-1 (on 20 September by default).",
        discussion: """
            Students by grade and by class, of them girls, on adapted programmes and repeating the grade, the \
            number of classes per grade, and students by age (full years on 1 January of the next year) and grade; \
            the same counts as 'yearctl movement' on that day. docs/reports.md says which rows of the form these \
            fill. --format xlsx writes a workbook (with --all-schools: a sheet of totals, then a sheet per school). \
            \(YeardAPI.help(for: YeardAPI.Reports.oo1))
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?
    @Option(help: "The day counted (YYYY-MM-DD or DD.MM.YYYY); default: 20 September of the year.") var date: String?
    @Flag(name: .customLong("all-schools"), help: "Every school you may see, one report each.") var allSchools = false
    @Option(help: "text (default), csv, xlsx (an Excel workbook) or html (a page to print).") var format: Format = .text
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var templates: TemplateOptions

    /// How the report is written.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, xlsx, html
    }

    func run() async throws {
        let l = options.l
        let pages = format == .html && !options.json ? try templates.load(l) : nil
        let client = Client(options: options)
        let reply = try await client.call(
            YeardAPI.Reports.oo1,
            OO1Parameters(school: options.school, year: year, date: date, allSchools: allSchools ? true : nil))
        for skipped in reply.skipped {
            let reason = skipped.note.map { $0.message(l) } ?? skipped.message
            printError("yearctl: " + l.tr("{school} left out: {reason}", ["school": skipped.school, "reason": reason]))
        }
        if options.json {
            printJSON(reply)
            return
        }
        switch format {
        case .text: try writeReport(reply.reports.map { Self.text($0, l) }.joined(separator: "\n"), to: output, l)
        case .csv: try writeReport(Self.csv(reply.reports, l), to: output, l)
        case .xlsx:
            try writeWorkbook(to: output, suggesting: "oo1.xlsx", l) { try Self.workbook(reply.reports, into: &$0, l) }
        case .html: try writeReport(try Self.html(reply.reports, pages ?? templates.load(l), l), to: output, l)
        }
    }

    /// The columns of the lines by class and grade.
    static func lineHeader(_ l: Localizer) -> [String] {
        [
            l.tr("Grade"), l.tr("Class"), l.tr("Classes"), l.tr("Students"), l.tr("Girls"),
            l.tr("Adapted programme"), l.tr("Repeating the grade"),
        ]
    }

    /// A line's cells: grade, class (the grade's and school's lines say what they total), counts.
    static func lineCells(_ line: OO1Line, _ l: Localizer) -> [WorkbookWriter.Cell] {
        let grade: WorkbookWriter.Cell = line.grade.map { .integer(Int64($0)) } ?? .text(l.tr("Total"))
        let name: WorkbookWriter.Cell =
            line.className.map(WorkbookWriter.Cell.text)
            ?? (line.grade == nil ? .empty : .text(l.tr("grade {grade}", ["grade": String(line.grade ?? 0)])))
        return [grade, name]
            + [line.classes, line.students, line.girls, line.adapted, line.repeaters].map {
                .integer(Int64($0))
            }
    }

    /// Each grade's classes followed by the grade's line, then the school's.
    static func lines(_ report: OO1Report) -> [OO1Line] {
        report.grades.flatMap { grade in report.classes.filter { $0.grade == grade.grade } + [grade] } + [report.total]
    }

    /// The age table: one row per age, a column per grade that has students, then the totals and girls.
    static func ageTable(_ report: OO1Report, _ l: Localizer) -> (header: [String], rows: [[WorkbookWriter.Cell]]) {
        let grades = report.grades.compactMap(\.grade)
        // The report's ages come in order, students with no birth date (age nil) last: each age once, in that order.
        var seen: Set<Int?> = []
        let ages = report.ages.map(\.age).filter { seen.insert($0).inserted }
        let header =
            [l.tr("Age on {date}", ["date": l.date(report.ageOn)])]
            + grades.map { l.tr("grade {grade}", ["grade": String($0)]) } + [l.tr("Students"), l.tr("Girls")]
        var rows: [[WorkbookWriter.Cell]] = ages.map { age in
            let cells = report.ages.filter { $0.age == age }
            let label =
                switch age {
                case nil: l.tr("No birth date")
                case OO1Report.youngest: l.tr("{age} and younger", ["age": String(OO1Report.youngest)])
                case OO1Report.oldest: l.tr("{age} and older", ["age": String(OO1Report.oldest)])
                case let age?: String(age)
                }
            return [.text(label)]
                + grades.map { grade in .integer(Int64(cells.first { $0.grade == grade }?.students ?? 0)) }
                + [
                    .integer(Int64(cells.map(\.students).reduce(0, +))),
                    .integer(Int64(cells.map(\.girls).reduce(0, +))),
                ]
        }
        rows.append(
            [.text(l.tr("Total"))] + report.grades.map { .integer(Int64($0.students)) }
                + [.integer(Int64(report.total.students)), .integer(Int64(report.total.girls))])
        return (header, rows)
    }

    /// The title line of a school's report.
    static func title(_ report: OO1Report, _ l: Localizer) -> String {
        l.tr(
            "OO-1, students: {name} ({school}), year {year}, as of {date}",
            [
                "name": report.schoolName, "school": report.school, "year": report.year,
                "date": l.date(report.date),
            ])
    }

    /// A cell as a text table or CSV shows it (counts as plain digits, which spreadsheets read as numbers).
    static func shown(_ cell: WorkbookWriter.Cell) -> String {
        switch cell {
        case .text(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .date(let date): date.description
        case .empty: ""
        }
    }

    static func text(_ report: OO1Report, _ l: Localizer) -> String {
        let ages = ageTable(report, l)
        return title(report, l) + "\n\n"
            + TextTable.render(lineHeader(l), lines(report).map { lineCells($0, l).map(shown) }, empty: "") + "\n"
            + TextTable.render(ages.header, ages.rows.map { $0.map(shown) }, empty: "")
    }

    /// One table per school, stacked: the lines, an empty line, the ages (a spreadsheet opens it as it reads).
    static func csv(_ reports: [OO1Report], _ l: Localizer) -> String {
        var text = ""
        for report in reports {
            text += CSVWriter.line([title(report, l)])
            text += CSVWriter.line(lineHeader(l))
            for line in lines(report) { text += CSVWriter.line(lineCells(line, l).map(shown)) }
            text += "\n"
            let ages = ageTable(report, l)
            text += CSVWriter.line(ages.header)
            for row in ages.rows { text += CSVWriter.line(row.map(shown)) }
            text += "\n"
        }
        return text
    }

    /// A page per school: the lines, then the ages (oo1.mustache).
    static func html(_ reports: [OO1Report], _ templates: Templates, _ l: Localizer) throws -> String {
        let models: [[String: Any]] = reports.map { report in
            let ages = ageTable(report, l)
            return [
                "heading": title(report, l), "lineHeader": lineHeader(l), "agesHeading": l.tr("Students by age"),
                "lines": lines(report).map {
                    ["cells": templateCells(lineCells($0, l), l), "total": $0.className == nil]
                },
                "ageHeader": ages.header, "ages": ages.rows.map { ["cells": templateCells($0, l)] },
            ]
        }
        let names = reports.map(\.schoolName).joined(separator: ", ")
        let page = DocumentPage(
            title: l.tr("OO-1, students: {names}", ["names": names]), school: names, printed: today())
        return try templates.render("oo1", page.model(l, ["reports": models]))
    }

    /// A sheet per school (the lines, then the ages); for several schools a first sheet of each school's total.
    static func workbook(_ reports: [OO1Report], into writer: inout WorkbookWriter, _ l: Localizer) throws {
        if reports.count > 1 {
            try writer.beginSheet(l.tr("All schools"), header: [l.tr("School")] + lineHeader(l).dropFirst(2))
            var total = OO1Line(grade: nil, className: nil, classes: 0)
            for report in reports {
                try writer.append([.text(report.schoolName)] + lineCells(report.total, l).dropFirst(2))
                total.add(report.total)
            }
            try writer.append([.text(l.tr("Total"))] + lineCells(total, l).dropFirst(2), bold: true)
        }
        for report in reports {
            try writer.beginSheet(reports.count > 1 ? report.schoolName : "OO-1", header: lineHeader(l))
            for line in lines(report) { try writer.append(lineCells(line, l), bold: line.className == nil) }
            try writer.append([])
            let ages = ageTable(report, l)
            try writer.append(ages.header.map(WorkbookWriter.Cell.text), bold: true)
            for (index, row) in ages.rows.enumerated() { try writer.append(row, bold: index == ages.rows.count - 1) }
            try writer.append([])
            try writer.append([.text(title(report, l))])
        }
    }
}
