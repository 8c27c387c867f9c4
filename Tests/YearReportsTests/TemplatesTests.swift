import Foundation
import Testing
import YearCore

@testable import YearReports

@Suite("Document templates")
struct TemplatesTests {
    /// A fresh directory holding `files` (name -> text).
    static func directory(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(path)/\(name)")) }
        return path
    }

    @Test("the shipped templates are found beside the build and all parse")
    func shipped() throws {
        let templates = try Templates(override: nil)
        for name in ["layout", "orders", "readiness", "movement-book", "summary-sheet", "oo1", "consent-form"] {
            #expect(templates.sources[name] != nil, "\(name) is not shipped")
        }
    }

    @Test("a file in the installation's directory replaces the shipped template of its name, and only that one")
    func override() throws {
        let mine = try Self.directory(["orders.mustache": "<p>{{title}} / {{school}}</p>"])
        defer { try? FileManager.default.removeItem(atPath: mine) }
        let templates = try Templates(override: mine)
        #expect(templates.sources["orders"] == mine + "/orders.mustache")
        #expect(templates.sources["layout"] != mine + "/layout.mustache")
        let page = DocumentPage(title: "T", school: "School <1>", printed: "2027-05-31")
        #expect(try templates.render("orders", page.model(.english, [:])) == "<p>T / School &lt;1&gt;</p>")
        // A directory that does not exist replaces nothing.
        #expect(try Templates(override: "/nonexistent/templates").sources["orders"] != nil)
    }

    @Test("values are escaped scalar by scalar, also a quote joined to a combining mark, whatever the pragma")
    func escaping() throws {
        let mine = try Self.directory([
            "x.mustache": "{{% CONTENT_TYPE: TEXT}}<td title=\"{{name}}\">{{name}}</td>{{{raw}}}"
        ])
        defer { try? FileManager.default.removeItem(atPath: mine) }
        let templates = try Templates(override: mine)
        let hostile = "\"\u{301} onmouseover=alert(1) x=\"<b>&"
        let out = try templates.render("x", ["name": hostile, "raw": "<i>"])
        #expect(
            out == "<td title=\"&quot;\u{301} onmouseover=alert(1) x=&quot;&lt;b&gt;&amp;\">"
                + "&quot;\u{301} onmouseover=alert(1) x=&quot;&lt;b&gt;&amp;</td><i>")
    }

    @Test("a template that does not parse is refused naming its file; no installation is said so")
    func refusals() throws {
        let mine = try Self.directory(["orders.mustache": "{{#orders}} never closed"])
        defer { try? FileManager.default.removeItem(atPath: mine) }
        #expect {
            try Templates(override: mine)
        } throws: { error in
            guard case TemplateError.invalid(let path, _) = error else { return false }
            return path == mine + "/orders.mustache"
        }
        #expect(throws: TemplateError.notInstalled(["/nonexistent"])) {
            try Templates(override: nil, defaults: ["/nonexistent"])
        }
        #expect(throws: TemplateError.missing("nothing")) { try Templates(override: nil).render("nothing", [:]) }
    }

    @Test("the page's running texts become CSS strings nothing can break out of")
    func cssStrings() {
        #expect(
            DocumentPage.cssString("Школа № 1 \"x\"; } </style>")
                == "Школа \\2116  1 \\22 x\\22 \\3b  \\7d  \\3c \\2f style\\3e ")
        #expect(
            DocumentPage.cssContent(
                "стр. {page} из {pages}", counters: ["page": "counter(page)", "pages": "counter(pages)"])
                == "\"стр\\2e  \" counter(page) \" из \" counter(pages) \"\"")
    }
}
