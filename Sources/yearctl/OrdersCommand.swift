import ArgumentParser
import Foundation
import YearCore
import YearProtocol
import YearReports
import YearSheets

/// `yearctl report orders`.
struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "The orders of a year as the documents that are signed, with their lists of students by class.",
        discussion: """
            Each order's number, date, kind, the day it takes effect and its basis, then its students grouped by \
            class, and the signature line of the school's director (director and director_title in yeard.toml). \
            A rollover's promotion order lists every promoted student of every class; its graduation order every \
            graduate. --format csv and xlsx write one row per student of each order. Each call is recorded in the \
            audit log: the report names persons. \(YeardAPI.help(for: YeardAPI.Reports.orders))
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?
    @Option(help: "One order, by its number.") var number: String?
    @Option(help: "Only orders of this kind (\(OrderKind.valueList)).") var kind: OrderKind?
    @Option(help: "text (default), csv, xlsx (an Excel workbook) or html (a page to print).")
    var format: OO1Command.Format = .text
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var templates: TemplateOptions

    func run() async throws {
        let l = options.l
        // The templates first: a broken one fetches no one's data.
        let pages = format == .html && !options.json ? try templates.load(l) : nil
        let client = Client(options: options)
        let reply = try await client.call(
            YeardAPI.Reports.orders,
            OrdersParameters(school: options.school, year: year, number: number, kind: kind))
        if options.json {
            printJSON(reply)
            return
        }
        let report = reply.report
        switch format {
        case .text: try writeReport(Self.text(report, l), to: output, l)
        case .csv: try writeCSV(Self.header(l), Self.rows(report, l), to: output, l)
        case .xlsx:
            try writeWorkbook(to: output, suggesting: "orders.xlsx", l) { writer in
                try writer.beginSheet(l.tr("Orders"), header: Self.header(l))
                for row in Self.rows(report, l) { try writer.append(row) }
            }
        case .html:
            try writeReport(try report.html(l, templates: pages ?? templates.load(l), printed: today()), to: output, l)
        }
    }

    /// The columns of a row per student.
    static func header(_ l: Localizer) -> [String] {
        [
            l.tr("Order"), l.tr("Date"), l.tr("Kind"), l.tr("Basis"), l.tr("Class"), l.tr("Student"),
            l.tr("Student id"), l.tr("From class"), l.tr("To class"), l.tr("Takes effect"), l.tr("Destination"),
        ]
    }

    /// One row per student of each order, dates as dates.
    static func rows(_ report: OrdersReport, _ l: Localizer) -> [[WorkbookWriter.Cell]] {
        func date(_ text: String) -> WorkbookWriter.Cell {
            CalendarDate(iso: text).map(WorkbookWriter.Cell.date) ?? .text(text)
        }
        return report.orders.flatMap { order in
            order.students.map { student in
                [
                    .text(order.number), date(order.date), .text(order.kind.shownName(l)),
                    .text(order.basis == nil && order.basisOrderNo == nil ? student.basis ?? "" : order.basisText(l)),
                    .text(student.className), .text(student.name), .text(student.id),
                    .text(student.classFrom ?? ""), .text(student.classTo ?? ""), date(student.effectiveOn),
                    .text(student.destination ?? ""),
                ]
            }
        }
    }

    /// Every order as a document: heading, basis, students by class, signature line.
    static func text(_ report: OrdersReport, _ l: Localizer) -> String {
        guard !report.orders.isEmpty else {
            return l.tr(
                "{name} ({school}) has no orders in the year {year} that match.",
                ["name": report.schoolName, "school": report.school, "year": report.year]) + "\n"
        }
        let signature = report.signatoryTitle(l) + "  ____________________  " + (report.signatory?.name ?? "")
        return report.orders.map { order in
            var lines = [report.schoolName, order.title(l), order.kind.heading(l), order.effective(l)]
            let basis = order.basisText(l)
            if !basis.isEmpty { lines.append(l.tr("Basis: {basis}.", ["basis": basis])) }
            for group in order.byClass {
                lines.append("")
                lines.append(OrderDocument.classCaption(group.className, count: group.students.count, l))
                for (index, student) in group.students.enumerated() {
                    let move = order.move(student, l)
                    lines.append("  \(index + 1). \(student.name)" + (move.isEmpty ? "" : " (\(move))"))
                }
            }
            lines.append("")
            lines.append(order.total(l))
            lines.append("")
            lines.append(signature)
            return lines.joined(separator: "\n") + "\n"
        }.joined(separator: "\n\n")
    }
}
