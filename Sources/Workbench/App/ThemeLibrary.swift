import Collate  // TextFile
import Foundation  // FileManager
import TUIKit

/// The themes in a `themes/` folder (`NAME.theme` files), loaded at start. A broken file
/// is left out with an error naming the file and line; `dark` (built in) is always there,
/// so a broken `dark.theme` falls back to the built-in one.
public struct ThemeLibrary: Sendable {
    public private(set) var themes: [String: Theme]
    public private(set) var errors: [ThemeFileError]

    public init(themes: [String: Theme] = ["dark": .dark], errors: [ThemeFileError] = []) {
        self.themes = themes
        self.errors = errors
    }

    public static func load(directory: String) -> ThemeLibrary {
        var library = ThemeLibrary()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return library }
        for fileName in names.sorted() where fileName.hasSuffix(".theme") {
            let path = directory + "/" + fileName
            let name = String(fileName.dropLast(".theme".count))
            do {
                let text = try TextFile.read(URL(fileURLWithPath: path))
                library.themes[name] = try Theme.parse(text, name: name, file: path)
            } catch let error as ThemeFileError {
                library.errors.append(error)
            } catch let error as TextFileError {
                library.errors.append(ThemeFileError(file: path, line: error.line ?? 0, message: error.reason))
            } catch {
                library.errors.append(ThemeFileError(file: path, line: 0, message: "cannot read: \(error.localizedDescription)"))
            }
        }
        return library
    }

    public var names: [String] { themes.keys.sorted() }

    /// The named theme, or the default with a message saying why.
    public func theme(named name: String) -> (theme: Theme, message: String?) {
        if let theme = themes[name] { return (theme, nil) }
        let reason = errors.first { $0.file.hasSuffix("/\(name).theme") }.map(\.description) ?? "no theme named \(name)"
        return (themes["dark"] ?? .dark, "\(reason); using dark")
    }
}
