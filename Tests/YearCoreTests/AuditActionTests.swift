import Testing
import YearCore

@Suite("Audit actions")
struct AuditActionTests {
    @Test("every action has a name of its own, noun.verb, as the audit log and the journal carry it")
    func names() {
        let names = AuditAction.fixed.map(\.description)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.wholeMatch(of: /[a-z]+\.[a-z]+/) != nil, "\(name)")
        }
        #expect(AuditAction.refused(method: "io.yeard.Year.Create").description == "refused:io.yeard.Year.Create")
        #expect(AuditAction.requestApprove.description == "request.approve")
        #expect("\(AuditAction.rolloverUndo)" == "rollover.undo")
    }

    @Test("a rollover's state reads as its stored text")
    func rolloverState() {
        #expect(RolloverState.allCases.map(\.description) == ["applied", "undone"])
    }
}
