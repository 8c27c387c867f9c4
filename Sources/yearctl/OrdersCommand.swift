import ArgumentParser
import Foundation
import YearCore
import YearProtocol
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
    @Option(help: "text (default), csv or xlsx (an Excel workbook).") var format: OO1Command.Format = .text
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        let l = options.l
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
                    .text(order.number), date(order.date), .text(shownName(order.kind, l)),
                    .text(order.basis == nil && order.basisOrderNo == nil ? student.basis ?? "" : basis(order, l)),
                    .text(student.className), .text(student.name), .text(student.id),
                    .text(student.classFrom ?? ""), .text(student.classTo ?? ""), date(student.effectiveOn),
                    .text(student.destination ?? ""),
                ]
            }
        }
    }

    /// The basis as a person reads it: the pedagogical council's decision with its order when it is one, else the
    /// basis as recorded.
    static func basis(_ order: OrderDocument, _ l: Localizer) -> String {
        if let number = order.basisOrderNo {
            if let date = order.basisOrderDate {
                return l.tr(
                    "decision of the pedagogical council, minutes No. {number} of {date}",
                    ["number": number, "date": l.date(date)])
            }
            return l.tr("decision of the pedagogical council, minutes No. {number}", ["number": number])
        }
        return order.basis ?? ""
    }

    /// What a student's line says beyond their name: the move the order makes and, for a departure, where to.
    static func move(_ student: OrderStudent, _ order: OrderDocument, _ l: Localizer) -> String {
        var parts: [String] = []
        switch (student.classFrom, student.classTo) {
        case (let from?, let to?) where from != to: parts.append("\(from) → \(to)")
        case (_, let to?) where student.classFrom == nil: parts.append(l.tr("to {class}", ["class": to]))
        default: break
        }
        if let destination = student.destination, !destination.isEmpty {
            parts.append(l.tr("to: {destination}", ["destination": destination]))
        }
        if order.effectiveFrom != order.effectiveTo {
            parts.append(l.tr("from {date}", ["date": l.date(student.effectiveOn)]))
        }
        if order.basis == nil, order.basisOrderNo == nil, let basis = student.basis, !basis.isEmpty {
            parts.append(l.tr("basis: {basis}", ["basis": basis]))
        }
        return parts.joined(separator: ", ")
    }

    /// The kind as a document's heading: its name, capitalised ("О переводе в следующий класс"; English names are
    /// the kinds' own words, `transfer_out` read as "Transfer out").
    static func heading(_ kind: OrderKind, _ l: Localizer) -> String {
        let name = shownName(kind, l)
        return name.prefix(1).uppercased() + name.dropFirst()
    }

    /// The kind's name where people read it (English names are the kinds' own words: "transfer out").
    static func shownName(_ kind: OrderKind, _ l: Localizer) -> String {
        kind.name(l).replacingOccurrences(of: "_", with: " ")
    }

    /// Every order as a document: heading, basis, students by class, signature line.
    static func text(_ report: OrdersReport, _ l: Localizer) -> String {
        guard !report.orders.isEmpty else {
            return l.tr(
                "{name} ({school}) has no orders in the year {year} that match.",
                ["name": report.schoolName, "school": report.school, "year": report.year]) + "\n"
        }
        let signature =
            (report.signatory?.title ?? l.tr("Director")) + "  ____________________  " + (report.signatory?.name ?? "")
        return report.orders.map { order in
            var lines = [
                report.schoolName,
                l.tr(
                    "ORDER No. {number} of {date}", ["number": order.number, "date": l.date(order.date)]),
                heading(order.kind, l),
                order.effectiveFrom == order.effectiveTo
                    ? l.tr("Takes effect on {date}.", ["date": l.date(order.effectiveFrom)])
                    : l.tr(
                        "Takes effect from {from} to {to}.",
                        ["from": l.date(order.effectiveFrom), "to": l.date(order.effectiveTo)]),
            ]
            let basis = basis(order, l)
            if !basis.isEmpty { lines.append(l.tr("Basis: {basis}.", ["basis": basis])) }
            for group in order.byClass {
                lines.append("")
                lines.append(
                    l.trn(
                        "{class}: {count} student", "{class}: {count} students", group.students.count,
                        ["class": group.className.isEmpty ? "—" : group.className]))
                for (index, student) in group.students.enumerated() {
                    let move = move(student, order, l)
                    lines.append("  \(index + 1). \(student.name)" + (move.isEmpty ? "" : " (\(move))"))
                }
            }
            lines.append("")
            lines.append(l.trn("In all: {count} student.", "In all: {count} students.", order.students.count, [:]))
            lines.append("")
            lines.append(signature)
            return lines.joined(separator: "\n") + "\n"
        }.joined(separator: "\n\n")
    }
}
