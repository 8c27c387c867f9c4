import ArgumentParser
import Foundation
import YearCore
import YearProtocol

/// `yearctl movement`.
struct MovementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "movement",
        abstract: "The book of student movement: per class and for the school, start + arrived - left = end.",
        discussion: """
            --from D --to D with the same day gives the exact count on that day (20 September: the OO-1 figures). \
            \(YeardAPI.help(for: YeardAPI.Registry.movement))
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The first day (YYYY-MM-DD or DD.MM.YYYY).") var from: String
    @Option(help: "The last day.") var to: String
    @Option(name: .customLong("class"), help: "Only this class.") var group: String?
    @Option(help: "The year (id or label); default: the active year.") var year: String?
    @Flag(help: "Print CSV instead of a table.") var csv = false

    func run() async throws {
        let client = Client(options: options)
        let reply = try await client.call(
            YeardAPI.Registry.movement,
            MovementParameters(school: options.school, year: year, from: from, to: to, class: group))
        let lines = reply.classes + (group == nil ? [reply.total] : [])
        // A period across a rollover shows two years' classes: each is named with its year.
        let years = Set(reply.classes.compactMap(\.year))
        let l = options.l
        func name(_ line: MovementInfo) -> String {
            guard let name = line.class else { return l.trc("movement total row", "school") }
            return years.count > 1 ? "\(name) \(line.year ?? "")" : name
        }
        if csv && !options.json {
            print(CSVWriter.line(["class", "year", "start", "arrived", "left", "end", "orders"]), terminator: "")
            for line in lines {
                print(
                    CSVWriter.line([
                        line.class ?? "school", line.year ?? "", String(line.start), String(line.arrived),
                        String(line.left), String(line.end), line.orders.joined(separator: " "),
                    ]), terminator: "")
            }
            return
        }
        client.output(reply) { reply in
            print(
                l.tr(
                    "Movement of {school}, year {year}, {from} to {to}",
                    [
                        "school": reply.school, "year": reply.year, "from": l.date(reply.from),
                        "to": l.date(reply.to),
                    ]))
            printTable(
                [
                    l.trc("table heading", "CLASS"), l.trc("movement heading", "START"),
                    l.trc("table heading", "ARRIVED"), l.trc("table heading", "LEFT"), l.trc("movement heading", "END"),
                    l.trc("table heading", "ORDERS"),
                ],
                lines.map {
                    [
                        name($0), l.number($0.start), l.number($0.arrived), l.number($0.left), l.number($0.end),
                        $0.orders.isEmpty ? "-" : $0.orders.joined(separator: " "),
                    ]
                }, empty: l.tr("no enrollments in this period"))
        }
    }
}

/// `yearctl order`.
struct OrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Record one order for one student and apply it (enroll, withdraw, transfer, change class).",
        discussion: YeardAPI.help(for: YeardAPI.Registry.issueOrder))

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The order's number.") var number: String
    @Option(
        help: """
            enrollment, withdrawal, transfer_in, transfer_out, class_change, graduation; or, recorded only, \
            promotion, conditional_promotion, retention, adapted_programme.
            """)
    var kind: OrderKind
    @Option(help: "The student's id.") var student: String
    @Option(help: "The order's date.") var date: String
    @Option(name: .customLong("from-class"), help: "The class the student leaves.") var fromClass: String?
    @Option(name: .customLong("to-class"), help: "The class the student goes to.") var toClass: String?
    @Option(help: "The day it takes effect (default: the order's date).") var effective: String?
    @Option(help: "The basis (an application, a parent's statement).") var basis: String?
    @Option(help: "Where the student goes (for departures).") var destination: String?
    @Option(help: "The year (id or label); default: the active year.") var year: String?

    func run() async throws {
        let reply = try await Client(options: options).call(
            YeardAPI.Registry.issueOrder,
            IssueOrderParameters(
                school: options.school, year: year, orderNo: number, orderDate: date, kind: kind, studentId: student,
                classFrom: fromClass, classTo: toClass, effectiveOn: effective, basis: basis,
                destination: destination))
        let l = options.l
        Client(options: options).output(reply) { reply in
            let a = [
                "number": number, "kind": kind.name(l), "student": student, "year": reply.year ?? "",
            ]
            print(
                reply.added != 1
                    ? l.tr("Order {number} for {student} was already recorded; nothing changed.", a)
                    : reply.year == nil
                        ? l.tr("Recorded order {number} ({kind}) for {student} in the year.", a)
                        : l.tr("Recorded order {number} ({kind}) for {student} in {year}.", a))
        }
    }
}
