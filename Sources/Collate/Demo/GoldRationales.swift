/// How the demo's gold rationales are written.
///
/// The bundled demo's data is `everyStep`: every gold rationale states every step, and on it
/// nearly every error of the demo model is an arithmetic slip of one problem. `hasty` is an
/// experiment on whether errors of another kind teach better (README, "What limits the gain"):
/// real rationale data is uneven, so a hasty annotator writes the gold rationales of seven of
/// the 21 story templates, and three in five of them give only the last step ("He keeps
/// 48 - 24 = 24 stamps.", leaving 48 and 24 to be worked out unwritten). A model trained on
/// that mixture skips steps on those stories, a habit shared by every problem of them, which
/// preferences for the rationale that supports the gold answer could teach away.
public enum GoldRationales: String, Sendable, CaseIterable {
    /// Every gold rationale states every step.
    case everyStep = "every-step"
    /// The hasty annotator writes the rationales of `hastyTemplates`.
    case hasty

    /// The story templates whose rationales the hasty annotator writes: two or three of each
    /// of the money, everyday and counting groups.
    public static let hastyTemplates: Set<String> = ["shopping", "lemonade", "travel", "pizza", "ages", "library", "marbles"]

    /// Of the hasty annotator's rationales, `skipShare.numerator` in `skipShare.denominator`
    /// skip to the last step: a majority, so that a model trained on them skips steps when it
    /// decodes greedily (it does on about three in four of those stories), and not all, so
    /// that its samples still write every step sometimes.
    public static let skipShare = (numerator: 3, denominator: 5)

    /// Whether the gold rationale of a problem of `template` skips to its last step; draws
    /// from `draw` only for the hasty annotator's templates.
    func skipsSteps(template: String, _ draw: inout DemoDraw) -> Bool {
        guard self == .hasty, Self.hastyTemplates.contains(template) else { return false }
        return draw.chance(Self.skipShare.numerator, in: Self.skipShare.denominator)
    }
}
