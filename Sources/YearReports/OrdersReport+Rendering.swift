import Foundation
import YearCore

// How the orders read where people read them: the words of a document, shared by yearctl's text and the printable
// page (orders.mustache).
extension OrderKind {
    /// The kind's name where people read it (English names are the kinds' own words: "transfer out").
    public func shownName(_ l: Localizer) -> String {
        name(l).replacingOccurrences(of: "_", with: " ")
    }

    /// The kind as a document's heading: its name, capitalised ("О переводе в следующий класс").
    public func heading(_ l: Localizer) -> String {
        let name = shownName(l)
        return name.prefix(1).uppercased() + name.dropFirst()
    }
}

extension OrderDocument {
    /// The basis as a person reads it: the pedagogical council's decision with its minutes when it is one, else
    /// the basis as recorded ("" when the students' bases differ: each line says its own).
    public func basisText(_ l: Localizer) -> String {
        if let number = basisOrderNo {
            if let date = basisOrderDate {
                return l.tr(
                    "decision of the pedagogical council, minutes No. {number} of {date}",
                    ["number": number, "date": l.date(date)])
            }
            return l.tr("decision of the pedagogical council, minutes No. {number}", ["number": number])
        }
        return basis ?? ""
    }

    /// "ORDER No. 95 of 28.05.2027".
    public func title(_ l: Localizer) -> String {
        l.tr("ORDER No. {number} of {date}", ["number": number, "date": l.date(date)])
    }

    /// When it takes effect: one day, or the range when its students' days differ.
    public func effective(_ l: Localizer) -> String {
        effectiveFrom == effectiveTo
            ? l.tr("Takes effect on {date}.", ["date": l.date(effectiveFrom)])
            : l.tr("Takes effect from {from} to {to}.", ["from": l.date(effectiveFrom), "to": l.date(effectiveTo)])
    }

    /// What a student's line says beyond their name: the move the order makes, a departure's destination, their
    /// own day when the order's differ, their own basis when the order has none in common.
    public func move(_ student: OrderStudent, _ l: Localizer) -> String {
        var parts: [String] = []
        switch (student.classFrom, student.classTo) {
        case (let from?, let to?) where from != to: parts.append("\(from) → \(to)")
        case (nil, let to?): parts.append(l.tr("to {class}", ["class": to]))
        default: break
        }
        if let destination = student.destination, !destination.isEmpty {
            parts.append(l.tr("to: {destination}", ["destination": destination]))
        }
        if effectiveFrom != effectiveTo {
            parts.append(l.tr("from {date}", ["date": l.date(student.effectiveOn)]))
        }
        if basis == nil, basisOrderNo == nil, let own = student.basis, !own.isEmpty {
            parts.append(l.tr("basis: {basis}", ["basis": own]))
        }
        return parts.joined(separator: ", ")
    }

    /// "5А: 25 students".
    public static func classCaption(_ name: String, count: Int, _ l: Localizer) -> String {
        l.trn("{class}: {count} student", "{class}: {count} students", count, ["class": name.isEmpty ? "—" : name])
    }

    /// "In all: 53 students."
    public func total(_ l: Localizer) -> String {
        l.trn("In all: {count} student.", "In all: {count} students.", students.count)
    }
}

extension OrdersReport {
    /// The title a signature line has before it (the configured one, else the word for a director).
    public func signatoryTitle(_ l: Localizer) -> String { signatory?.title ?? l.tr("Director") }

    /// The orders as a printable page: a document per order (page breaks between them), its students by class in
    /// tables whose header repeats on each page, the signature line at its end.
    public func html(_ l: Localizer, templates: Templates, printed: String) throws -> String {
        let words = ["student": l.tr("Student"), "move": l.tr("Note")]
        let orders: [[String: Any]] = orders.map { order in
            [
                "schoolName": schoolName, "heading": order.title(l), "kind": order.kind.heading(l),
                "effective": order.effective(l),
                "basis": order.basisText(l).isEmpty ? false : l.tr("Basis: {basis}.", ["basis": order.basisText(l)]),
                "total": order.total(l), "signatoryTitle": signatoryTitle(l), "signatoryName": signatory?.name ?? "",
                "words": words,
                "classes": order.byClass.map { group -> [String: Any] in
                    [
                        "caption": OrderDocument.classCaption(group.className, count: group.students.count, l),
                        "students": group.students.enumerated().map { index, student -> [String: Any] in
                            ["number": index + 1, "name": student.name, "move": order.move(student, l)]
                        },
                    ]
                },
            ]
        }
        let title = l.tr("Orders of {name}, year {year}", ["name": schoolName, "year": year])
        let page = DocumentPage(title: title, school: schoolName, printed: printed)
        return try templates.render(
            "orders",
            page.model(
                l,
                [
                    "orders": orders,
                    "nothing": l.tr(
                        "{name} ({school}) has no orders in the year {year} that match.",
                        ["name": schoolName, "school": school, "year": year]),
                ]))
    }
}
