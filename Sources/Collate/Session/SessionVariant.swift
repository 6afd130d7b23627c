import Foundation

/// A variant of a session: a session of its own in `<session>/variants/<name>/` whose manifest
/// is the original's with a few settings changed (seeds, ablations, rationales per provider,
/// which pairs each provider trains on) and its model and data paths pointing at the
/// original's files. Everything a variant
/// computes (store, mift/, adapters/, exports/) is its own, so several seeds and ablations of
/// one session run side by side, and resume, without editing a file. Every command reaches a variant as a session:
/// `collate status seed1 --sessions-dir sessions/demo/variants`.
public enum SessionVariant {
    /// What a variant changes.
    public struct Overrides: Sendable, Equatable {
        /// Sets [seeds] training, sampling and pairs (not [splits] seed: the splits stay those
        /// of the original, so every variant is tested on the same prompts).
        public var seed: UInt64?
        public var singleProvider = false
        public var randomPairs = false
        public var noFilter = false
        public var noProviderDistinction = false
        /// Sets [loop] rationales_per_provider.
        public var rationalesPerProvider: Int?
        /// Sets [loop] provider_pairs = "all".
        public var allPairs = false

        public init(seed: UInt64? = nil, singleProvider: Bool = false, randomPairs: Bool = false, noFilter: Bool = false,
                    noProviderDistinction: Bool = false, rationalesPerProvider: Int? = nil, allPairs: Bool = false) {
            self.seed = seed
            self.rationalesPerProvider = rationalesPerProvider
            self.allPairs = allPairs
            self.singleProvider = singleProvider
            self.randomPairs = randomPairs
            self.noFilter = noFilter
            self.noProviderDistinction = noProviderDistinction
        }

        public var isEmpty: Bool { self == Overrides() }

        /// "seed1-single-provider-no-filter": the overrides in a fixed order.
        public var suggestedName: String {
            var parts = seed.map { ["seed\($0)"] } ?? []
            if singleProvider { parts.append("single-provider") }
            if randomPairs { parts.append("random-pairs") }
            if noFilter { parts.append("no-filter") }
            if noProviderDistinction { parts.append("no-provider-distinction") }
            if let rationalesPerProvider { parts.append("\(rationalesPerProvider)-per-provider") }
            if allPairs { parts.append("all-pairs") }
            return parts.isEmpty ? "base" : parts.joined(separator: "-")
        }

        public func apply(to manifest: inout SessionManifest) {
            if let seed {
                manifest.seeds.training = seed
                manifest.seeds.sampling = seed
                manifest.seeds.pairs = seed
            }
            if singleProvider { manifest.ablations.singleProvider = true }
            if randomPairs { manifest.ablations.randomPairs = true }
            if noFilter { manifest.ablations.noFilter = true }
            if noProviderDistinction { manifest.ablations.noProviderDistinction = true }
            if let rationalesPerProvider { manifest.rationalesPerProvider = rationalesPerProvider }
            if allPairs { manifest.providerPairs = .all }
        }
    }

    /// The sessions directory holding `session`'s variants.
    public static func directory(of session: SessionLocation) -> URL {
        session.folder.appendingPathComponent("variants", isDirectory: true)
    }

    /// The variant `name` of `base`: created on first use; afterwards its manifest must still be
    /// what `overrides` derive from `base` (else the error says so, and nothing is touched).
    public static func open(base: Session, name: String, overrides: Overrides) throws -> Session {
        let location = try SessionLocation(name: name, sessionsDirectory: directory(of: base.location))
        var manifest = base.manifest
        func moved(_ path: String) -> String {
            Session.relativePath(of: base.location.resolve(path), from: location.folder)
        }
        manifest.model = moved(manifest.model)
        manifest.data.train = moved(manifest.data.train)
        manifest.data.test = manifest.data.test.map(moved)
        overrides.apply(to: &manifest)
        if FileManager.default.fileExists(atPath: location.manifest.path) {
            let existing = try SessionManifest.load(from: location.manifest)
            guard existing == manifest else {
                throw SessionError.io(path: location.manifest.path, reason: "this variant exists with other settings "
                    + "than these options give for session \(base.location.name); use another variant name or remove it")
            }
            return try Session.open(location)
        }
        let header = ["Variant \"\(name)\" of session \(base.location.name) (\(base.location.folder.path)),",
                      "written by `collate run`. Everything it computes stays in this folder."]
        let text = manifest.text(header: header)
        // Overrides the manifest refuses (too many rationales per prompt, say) leave no folder,
        // so the error names the base manifest the options were applied to, not a file that
        // will not exist, nor a line of it.
        do {
            _ = try SessionManifest.parse(text, file: location.manifest.path)
        } catch {
            throw ManifestError(file: "\(base.location.manifest.path) with the options of variant \(name)",
                                keyPath: error.keyPath, line: nil, kind: error.kind)
        }
        do {
            try FileManager.default.createDirectory(at: location.folder, withIntermediateDirectories: true)
        } catch {
            throw SessionError.io(path: location.folder.path, reason: error.localizedDescription)
        }
        try Session.writeAtomically(Data(text.utf8), to: location.manifest)
        return try Session.open(location)
    }
}
