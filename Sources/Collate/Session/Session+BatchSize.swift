extension Session {
    /// The session with `[decoding] batch_size` set to `batchSize` (nil: as the manifest says),
    /// for `--batch-size`. Only the speed depends on it (batched decoding is batch-invariant),
    /// so this is not a variant: the store and every result stay the session's.
    public func decodingBatchSize(_ batchSize: Int?) -> Session {
        guard let batchSize else { return self }
        var manifest = manifest
        manifest.decoding.batchSize = batchSize
        return Session(location: location, manifest: manifest, store: store)
    }
}
