import Foundation
import Mustache
import YearCore

/// The printable documents' templates (Mustache, hummingbird-project/swift-mustache): the defaults shipped with
/// yeard, each replaceable by a file of the same name in the installation's directory (`/etc/yeard/templates`).
///
/// Every value a template prints with `{{name}}` is escaped for HTML scalar by scalar (`ScalarHTMLEscaping`); only
/// `{{{name}}}` prints text as it is, and the shipped templates use it only for markup yeard made and escaped itself
/// (the readiness report's charts). Templates are read anew for each document, so a replaced file takes effect at
/// once.
public struct Templates: Sendable {
    /// The installation's directory of replacements: a file there wins over the default of the same name.
    public static let overrideDirectory = "/etc/yeard/templates"

    private let library: MustacheLibrary
    /// Where each template was read from, by name.
    public let sources: [String: String]

    /// The templates of `defaults` (the first directory that holds any), each replaced by the file of the same name
    /// in `override` when there is one. Refused, naming the file, when a template does not parse; refused when no
    /// default directory exists (the installation is incomplete).
    public init(override: String? = Templates.overrideDirectory, defaults: [String] = Templates.defaultDirectories())
        throws
    {
        Self.registerEscaping
        guard let found = defaults.first(where: { Self.names(in: $0) != nil }) else {
            throw TemplateError.notInstalled(defaults)
        }
        var sources: [String: String] = [:]
        for directory in [found] + (override.map { [$0] } ?? []) {
            for name in Self.names(in: directory) ?? [] { sources[name] = directory + "/" + name + ".mustache" }
        }
        var library = MustacheLibrary()
        for (name, path) in sources.sorted(by: { $0.key < $1.key }) {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else { throw TemplateError.unreadable(path) }
            do {
                // Every template renders as HTML with yeard's escaping, whatever pragma it starts with.
                try library.register("{{% CONTENT_TYPE: HTML}}" + text, named: name)
            } catch {
                throw TemplateError.invalid(path, String(describing: error))
            }
        }
        self.library = library
        self.sources = sources
    }

    /// `name` rendered with `object` (dictionaries, arrays, strings, numbers and booleans).
    public func render(_ name: String, _ object: [String: Any]) throws -> String {
        guard library.getTemplate(named: name) != nil, let text = library.render(object, withTemplate: name) else {
            throw TemplateError.missing(name)
        }
        return text
    }

    /// The directories the defaults are looked for in: `$YEARD_TEMPLATES` (a build's own, for tests), the copy the
    /// build puts beside the programs (`yeard_YearReports.resources/Templates`), `../share/yeard/templates` from
    /// the programs' directory (`/usr/bin` -> `/usr/share/yeard/templates`), and `/usr/share/yeard/templates`.
    public static func defaultDirectories(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [String]
    {
        InstalledData.directories(
            variable: "YEARD_TEMPLATES", besideProgram: "yeard_YearReports.resources/Templates",
            underShare: "yeard/templates", environment: environment)
    }

    /// The names of the templates (`*.mustache`) in `directory`, nil when it cannot be listed.
    static func names(in directory: String) -> [String]? {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let names = files.filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }
        return names.isEmpty ? nil : names
    }

    /// Replaces swift-mustache's HTML escaping, which compares whole characters (a `"` joined with a combining mark
    /// in one character would pass unescaped into an attribute), by `HTML.escape`, once per process; and its TEXT
    /// content type too, so that a replaced template cannot turn escaping off with a pragma (every template here is
    /// a page of HTML).
    private static let registerEscaping: Void = {
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: "HTML")
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: "TEXT")
    }()
}

/// HTML escaping scalar by scalar: see `HTML.escape`.
struct ScalarHTMLEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String { HTML.escape(text) }
}

/// Writing text into HTML by hand (the parts of a page yeard makes itself, such as a chart's SVG).
public enum HTML {
    /// `text` with `&`, `<`, `>` and both quotes escaped: scalar by scalar, since a `<` or a `"` joined to a
    /// neighbour in one grapheme (after U+0600, or before a combining mark) is still a `<` or a `"` to the browser.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// Why the templates could not be used.
public enum TemplateError: Error, CustomStringConvertible, Equatable {
    /// No default directory exists (looked in these).
    case notInstalled([String])
    /// A template file cannot be read, or is not UTF-8.
    case unreadable(String)
    /// A template does not parse (the file and the parser's reason).
    case invalid(String, String)
    /// No template of this name.
    case missing(String)

    /// The reason, as a sentence for a log or a refusal.
    public var description: String {
        switch self {
        case .notInstalled(let places):
            "the document templates are not installed (looked in \(places.joined(separator: ", ")))"
        case .unreadable(let path): "the template \(path) cannot be read as UTF-8 text"
        case .invalid(let path, let reason): "the template \(path) is not valid Mustache: \(reason)"
        case .missing(let name): "there is no template '\(name)'"
        }
    }
}
