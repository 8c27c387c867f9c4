import ArgumentParser
import Foundation
import YearCore
import YearProtocol
import YearReports
import YearSheets

/// `yearctl report movement-book`.
struct MovementBookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "movement-book",
        abstract: "The book of student movement for a period, as the school keeps it, with each arrival and departure.",
        discussion: """
            Per class: the students at the start, each arrival with its order's number and date, each departure \
            with its order and destination, the students at the end; then the school's line. The counts are those \
            of 'yearctl movement' for the same period. --format xlsx writes a sheet of classes and a sheet of \
            movements. Each call is recorded in the audit log: the book names persons. \
            \(YeardAPI.help(for: YeardAPI.Reports.movementBook))
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The first day (YYYY-MM-DD or DD.MM.YYYY).") var from: String
    @Option(help: "The last day.") var to: String
    @Option(name: .customLong("class"), help: "Only this class.") var group: String?
    @Option(help: "The year (id or label); default: every year the period meets.") var year: String?
    @Option(help: "text (default), csv, xlsx (an Excel workbook) or html (a page to print).")
    var format: OO1Command.Format = .text
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var templates: TemplateOptions

    func run() async throws {
        let l = options.l
        // The templates first: a broken one fetches no one's data.
        let pages = format == .html && !options.json ? try templates.load(l) : nil
        let reply = try await Client(options: options).call(
            YeardAPI.Reports.movementBook,
            MovementParameters(school: options.school, year: year, from: from, to: to, class: group))
        if options.json {
            printJSON(reply)
            return
        }
        let book = reply.book
        switch format {
        case .text: try writeReport(Self.text(book, l), to: output, l)
        case .csv: try writeCSV(Self.entryHeader(l), Self.entryRows(book, l), to: output, l)
        case .xlsx:
            try writeWorkbook(to: output, suggesting: "movement-book.xlsx", l) { writer in
                try writer.beginSheet(l.tr("Classes"), header: Self.countHeader(l))
                for row in Self.countRows(book, l) { try writer.append(row, bold: row.first == .text(l.tr("Total"))) }
                try writer.append([])
                try writer.append([.text(Self.title(book, l))])
                try writer.beginSheet(l.tr("Movements"), header: Self.entryHeader(l))
                for row in Self.entryRows(book, l) { try writer.append(row) }
            }
        case .html: try writeReport(try Self.html(book, pages ?? templates.load(l), l), to: output, l)
        }
    }

    /// The title line of the book.
    static func title(_ book: MovementBookReport, _ l: Localizer) -> String {
        l.tr(
            "Book of student movement: {name} ({school}), year {year}, {from} to {to}",
            [
                "name": book.schoolName, "school": book.school, "year": book.years, "from": l.date(book.from),
                "to": l.date(book.to),
            ])
    }

    /// A class as the book names it: with its year when the period meets two.
    static func className(_ part: MovementBookClass, _ book: MovementBookReport) -> String {
        book.years.contains(",") ? "\(part.class) \(part.year)" : part.class
    }

    static func countHeader(_ l: Localizer) -> [String] {
        [l.tr("Class"), l.tr("At the start"), l.tr("Arrived"), l.tr("Left"), l.tr("At the end")]
    }

    /// A row per class, then the school's.
    static func countRows(_ book: MovementBookReport, _ l: Localizer) -> [[WorkbookWriter.Cell]] {
        func counts(_ values: [Int]) -> [WorkbookWriter.Cell] { values.map { .integer(Int64($0)) } }
        return book.classes.map { part in
            [.text(className(part, book))] + counts([part.start, part.arrived.count, part.left.count, part.end])
        } + [[.text(l.tr("Total"))] + counts([book.total.start, book.total.arrived, book.total.left, book.total.end])]
    }

    static func entryHeader(_ l: Localizer) -> [String] {
        [
            l.tr("Class"), l.tr("Movement"), l.tr("Date"), l.tr("Student"), l.tr("Student id"), l.tr("Kind"),
            l.tr("Order"), l.tr("Order date"), l.tr("Other class"), l.tr("Destination"),
        ]
    }

    /// A row per arrival and departure, class by class, dates as dates.
    static func entryRows(_ book: MovementBookReport, _ l: Localizer) -> [[WorkbookWriter.Cell]] {
        func date(_ text: String?) -> WorkbookWriter.Cell {
            guard let text else { return .empty }
            return CalendarDate(iso: text).map(WorkbookWriter.Cell.date) ?? .text(text)
        }
        return book.classes.flatMap { part in
            [(true, part.arrived), (false, part.left)].flatMap { arrived, entries in
                entries.map { entry in
                    [
                        .text(className(part, book)), .text(arrived ? l.tr("arrived") : l.tr("left")),
                        date(entry.date), .text(entry.name), .text(entry.student),
                        .text(entry.kind.map { $0.shownName(l) } ?? l.tr("import")),
                        .text(entry.orderNo ?? ""),
                        date(entry.orderDate), .text(entry.otherClass ?? ""), .text(entry.destination ?? ""),
                    ]
                }
            }
        }
    }

    /// The book as a page to print (movement-book.mustache): the counts of every class and the school, then each
    /// class's arrivals and departures.
    static func html(_ book: MovementBookReport, _ templates: Templates, _ l: Localizer) throws -> String {
        let classes: [[String: Any]] = book.classes.map { part in
            let entries: [[String: Any]] = [(true, part.arrived), (false, part.left)].flatMap { arrived, entries in
                entries.map { entry -> [String: Any] in
                    [
                        "movement": arrived ? l.tr("arrived") : l.tr("left"), "date": l.date(entry.date),
                        "name": entry.name,
                        "order": entry.orderNo.map { orderReference($0, date: entry.orderDate, l) } ?? l.tr("import"),
                        "note": notes(entry, arrived: arrived, l).joined(separator: ", "),
                    ]
                }
            }
            return [
                "name": className(part, book), "start": l.number(part.start),
                "arrivedCount": l.number(part.arrived.count),
                "leftCount": l.number(part.left.count), "end": l.number(part.end),
                "moves": entries.isEmpty
                    ? false
                    : [
                        "entries": entries,
                        "counts": l.tr(
                            "at the start {start}, arrived {arrived}, left {left}, at the end {end}",
                            [
                                "start": l.number(part.start), "arrived": l.number(part.arrived.count),
                                "left": l.number(part.left.count), "end": l.number(part.end),
                            ]),
                    ] as Any,
            ]
        }
        let words = [
            "class": l.tr("Class"), "start": l.tr("At the start"), "arrived": l.tr("Arrived"), "left": l.tr("Left"),
            "end": l.tr("At the end"), "school": l.tr("Total"), "movement": l.tr("Movement"), "date": l.tr("Date"),
            "student": l.tr("Student"), "order": l.tr("Order"), "note": l.tr("Note"),
        ]
        let total = book.total
        let page = DocumentPage(title: title(book, l), school: book.schoolName, printed: today())
        return try templates.render(
            "movement-book",
            page.model(
                l,
                [
                    "heading": l.tr("Book of student movement"), "period": title(book, l), "classes": classes,
                    "words": words,
                    "total": [
                        "start": l.number(total.start), "arrived": l.number(total.arrived),
                        "left": l.number(total.left), "end": l.number(total.end),
                    ],
                ]))
    }

    /// What an entry says beyond its day, name and order: the kind of order, the other class of a move, a
    /// departure's destination (the text's line and the page's note alike).
    static func notes(_ entry: MovementEntry, arrived: Bool, _ l: Localizer) -> [String] {
        var parts: [String] = entry.kind.map { [$0.shownName(l)] } ?? []
        if let other = entry.otherClass {
            parts.append(arrived ? l.tr("from {class}", ["class": other]) : l.tr("to {class}", ["class": other]))
        }
        if let destination = entry.destination, !destination.isEmpty {
            parts.append(l.tr("to: {destination}", ["destination": destination]))
        }
        return parts
    }

    /// An entry's line: day, name, the order and its notes.
    static func line(_ entry: MovementEntry, arrived: Bool, _ l: Localizer) -> String {
        let order = entry.orderNo.map { [orderReference($0, date: entry.orderDate, l)] } ?? []
        return "    "
            + ([l.date(entry.date), entry.name] + order + notes(entry, arrived: arrived, l))
            .joined(separator: ", ")
    }

    /// The book: per class its counts and lists, then the school's line.
    static func text(_ book: MovementBookReport, _ l: Localizer) -> String {
        var lines = [title(book, l), ""]
        for part in book.classes {
            lines.append(
                l.tr(
                    "{class}: at the start {start}, arrived {arrived}, left {left}, at the end {end}",
                    [
                        "class": className(part, book), "start": l.number(part.start),
                        "arrived": l.number(part.arrived.count), "left": l.number(part.left.count),
                        "end": l.number(part.end),
                    ]))
            if !part.arrived.isEmpty {
                lines.append("  " + l.tr("Arrived:"))
                lines += part.arrived.map { line($0, arrived: true, l) }
            }
            if !part.left.isEmpty {
                lines.append("  " + l.tr("Left:"))
                lines += part.left.map { line($0, arrived: false, l) }
            }
        }
        if book.classes.isEmpty { lines.append(l.tr("no enrollments in this period")) }
        lines.append("")
        lines.append(
            l.tr(
                "School: at the start {start}, arrived {arrived}, left {left}, at the end {end}",
                [
                    "start": l.number(book.total.start), "arrived": l.number(book.total.arrived),
                    "left": l.number(book.total.left), "end": l.number(book.total.end),
                ]))
        return lines.joined(separator: "\n") + "\n"
    }
}
