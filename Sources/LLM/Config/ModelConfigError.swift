/// Why a `config.json` could not be used.
public enum ModelConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalidJSON(file: String, reason: String)
    case field(JSONFieldError)
    case unknownModelType(file: String, modelType: String)
    case unsupportedRopeScaling(file: String, ropeType: String)
    case unsupportedActivation(file: String, activation: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
        case .invalidJSON(let file, let reason): "\(file): \(reason)"
        case .field(let error): error.description
        case .unknownModelType(let file, let modelType):
            "\(file): unknown model_type \"\(modelType)\" (supported: "
                + ModelType.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        case .unsupportedRopeScaling(let file, let ropeType):
            "\(file): rope scaling type \"\(ropeType)\" is not supported (only llama3 and default)"
        case .unsupportedActivation(let file, let activation):
            "\(file): hidden_act \"\(activation)\" is not supported (Llama-family models use silu)"
        }
    }
}
