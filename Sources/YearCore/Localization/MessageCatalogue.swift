import Foundation

/// The translations of one language, read from a GNU gettext `.mo` file as `msgfmt` compiles it from `po/LANG.po`.
///
/// The file format is GNU gettext's ("The Format of GNU MO Files" in its manual): a header of 32-bit words (magic
/// 0x950412de in the file's byte order, revision, string count, the offsets of the original and translated string
/// tables), then per string its length and offset. An original is `msgid`, `msgctxt EOT msgid`, or
/// `msgid NUL msgid_plural`; a translation holds its plural forms separated by NUL. The entry with the empty msgid
/// is the header, which names the charset and the `Plural-Forms`.
///
/// Parsing is by hand because yeard reads its catalogues itself rather than through glibc (README, "Languages"),
/// and the format is a few words of layout; the catalogues themselves are made and checked by gettext's tools.
public struct MessageCatalogue: Sendable, Equatable {
    /// The translations by key (`msgid`, or `msgctxt` + U+0004 + `msgid`): one string, or one per plural form.
    public let translations: [String: [String]]
    /// The language's plural rule; nil when the header has none or a malformed one (plural messages then stay
    /// English).
    public let pluralRule: PluralRule?

    /// Why a file is not a catalogue yeard can use.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case notMO
        case truncated
        case notUTF8(charset: String)

        /// One sentence for the log or the warning on stderr.
        public var description: String {
            switch self {
            case .notMO: "not a GNU gettext .mo file (wrong magic number or revision)"
            case .truncated: "a string table points outside the file"
            case .notUTF8(let charset): "the catalogue's charset is \(charset), not UTF-8; compile it from UTF-8"
            }
        }
    }

    /// A catalogue with the given translations (tests, and the English catalogue, which is empty).
    public init(translations: [String: [String]], pluralRule: PluralRule?) {
        self.translations = translations
        self.pluralRule = pluralRule
    }

    /// The catalogue of a `.mo` file's bytes.
    public init(mo bytes: [UInt8]) throws(LoadError) {
        guard bytes.count >= 28 else { throw .notMO }
        func word(_ offset: Int, bigEndian: Bool) -> UInt32? {
            guard offset >= 0, offset + 4 <= bytes.count else { return nil }
            let b = bytes[offset..<offset + 4].map(UInt32.init)
            return bigEndian ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
        }
        let bigEndian: Bool
        switch word(0, bigEndian: false) {
        case 0x9504_12de: bigEndian = false
        case 0xde12_0495: bigEndian = true
        default: throw .notMO
        }
        func read(_ offset: Int) throws(LoadError) -> Int {
            guard let value = word(offset, bigEndian: bigEndian) else { throw .truncated }
            return Int(value)
        }
        // Revisions 0 and 1 share this layout (1 adds system-dependent strings, which msgfmt writes only for C
        // format directives that yeard's catalogues never use).
        guard try read(4) >> 16 <= 1 else { throw .notMO }
        let count = try read(8)
        let originals = try read(12)
        let translated = try read(16)
        guard count <= bytes.count / 16 else { throw .truncated }
        func string(table: Int, index: Int) throws(LoadError) -> [String] {
            let length = try read(table + index * 8)
            let offset = try read(table + index * 8 + 4)
            guard offset + length <= bytes.count else { throw .truncated }
            return bytes[offset..<offset + length].split(separator: 0, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        var translations: [String: [String]] = [:]
        var header = ""
        // Entries may share their bytes; a file whose strings add up to far more than itself (every entry pointing
        // at one large range) would take memory in the square of its size, so it is refused.
        var decoded = 0
        for index in 0..<count {
            decoded += try read(originals + index * 8) + read(translated + index * 8)
            guard decoded <= 4 * bytes.count + 4096 else { throw .truncated }
            let original = try string(table: originals, index: index)
            let translation = try string(table: translated, index: index)
            guard let key = original.first else { continue }
            if key.isEmpty {
                header = translation.first ?? ""
            } else {
                translations[key] = translation
            }
        }
        var rule: PluralRule?
        for line in header.split(separator: "\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = pair[0].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let value = pair[1].trimmingCharacters(in: .whitespacesAndNewlines)
            if name == "plural-forms" { rule = PluralRule(header: value) }
            if name == "content-type", let charset = value.lowercased().split(separator: "=").last,
                value.lowercased().contains("charset"),
                charset.trimmingCharacters(in: .whitespacesAndNewlines) != "utf-8"
            {
                throw .notUTF8(charset: String(charset))
            }
        }
        self.init(translations: translations, pluralRule: rule)
    }

    /// The catalogue of the source language: no translations, English plurals.
    public static let english = MessageCatalogue(translations: [:], pluralRule: .english)
}
