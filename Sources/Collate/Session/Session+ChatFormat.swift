import Foundation
import LLM

extension Session {
    /// The chat format `[templates] chat = true` puts every prompt in: the manifest's model's
    /// chat template (M_IFT's tokenizer is the base's; `mift/` carries no template). nil when no
    /// model is there yet (nothing can run a model then); an error when M_IFT is there without
    /// its base, or the template is not one we recognise.
    static func chatFormat(of manifest: SessionManifest, at location: SessionLocation) throws -> ChatTemplate? {
        let base = location.resolve(manifest.model)
        guard ModelDirectory.isPresent(at: base) else {
            if FileManager.default.fileExists(atPath: location.mift.appendingPathComponent("config.json").path) {
                throw SessionError.chatFormat(manifest: location.manifest.path, reason:
                    "the model it names (\(base.path)) is not there, and its chat template is read from it")
            }
            return nil
        }
        do {
            return try ModelDirectory(url: base).chatTemplate()
        } catch let error as ChatTemplateError {
            throw SessionError.chatFormat(manifest: location.manifest.path, reason: error.description)
        } catch {
            throw SessionError.chatFormat(manifest: location.manifest.path, reason: "\(error)")
        }
    }
}
