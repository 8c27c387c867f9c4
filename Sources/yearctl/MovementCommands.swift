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
        func name(_ line: MovementInfo) -> String {
            guard let name = line.class else { return "school" }
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
            print("Movement of \(reply.school), year \(reply.year), \(reply.from) to \(reply.to)")
            printTable(
                ["CLASS", "START", "ARRIVED", "LEFT", "END", "ORDERS"],
                lines.map {
                    [
                        name($0), String($0.start), String($0.arrived), String($0.left), String($0.end),
                        $0.orders.isEmpty ? "-" : $0.orders.joined(separator: " "),
                    ]
                }, empty: "no enrollments in this period")
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
        Client(options: options).output(reply) { reply in
            print(
                reply.added == 1
                    ? "Recorded order \(number) (\(kind)) for \(student) in \(reply.year ?? "the year")."
                    : "Order \(number) for \(student) was already recorded; nothing changed.")
        }
    }
}
