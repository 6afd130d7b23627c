import GRDB

/// Text the session store can hold. GRDB binds and reads SQLite text as C strings, so a
/// U+0000 would end the stored text there with no error (a rationale "a\0b" came back as
/// "a"). Model output keeps its NUL as U+FFFD (a byte-level token of byte 0 is noise, but the
/// rest of the rationale is kept); any other text with a NUL is refused before it is written.
enum StoredText {
    static let nul: Character = "\u{0}"

    /// What a model wrote, with every U+0000 as U+FFFD.
    static func modelOutput(_ text: String) -> String {
        text.contains(nul) ? String(text.map { $0 == nul ? "\u{FFFD}" : $0 }) : text
    }

    /// Throws unless none of `fields` (name, value) holds a U+0000.
    static func check(_ table: String, _ fields: [(String, String?)]) throws(StoreError) {
        for (field, value) in fields where value?.contains(nul) == true {
            throw .nulCharacter(table: table, field: field)
        }
    }
}

extension PromptRecord {
    public func willSave(_ db: Database) throws {
        try StoredText.check(Self.databaseTableName, [
            ("instruction", instruction), ("goldRationale", goldRationale), ("goldAnswer", goldAnswer),
            ("sourceFile", sourceFile), ("sourceHash", sourceHash),
        ] + (options ?? []).map { ("options", $0) })
    }
}

extension GenerationRecord {
    public func willSave(_ db: Database) throws {
        try StoredText.check(Self.databaseTableName, [("text", text)])
    }
}

extension PredictionRecord {
    public func willSave(_ db: Database) throws {
        try StoredText.check(Self.databaseTableName, [("text", text)])
    }
}

extension LabelRecord {
    public func willSave(_ db: Database) throws {
        try StoredText.check(Self.databaseTableName, [("chosenRationale", chosenRationale), ("note", note)])
    }
}
