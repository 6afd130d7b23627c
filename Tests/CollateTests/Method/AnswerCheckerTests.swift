import Testing
@testable import Collate

@Suite struct AnswerCheckerTests {
    @Test(arguments: [
        ("18", "18", true), ("18.0", "18", true), ("18.00", "18.0", true), ("1,000", "1000", true),
        ("$1,080", "1080", true), ("The answer is 72.", "72", true), ("#### 72", "72", true),
        ("5 apples and then 72", "72", true), ("-3", "-3", true), ("3", "-3", false),
        ("0.50", ".5", true), ("007", "7", true), ("18.5", "18", false), ("eighteen", "18", false),
        ("", "18", false), ("#### 12\nthen 18", "12", true), ("-0", "0", true),
    ])
    func numberMatch(prediction: String, gold: String, expected: Bool) {
        #expect(AnswerChecker.numberMatches(prediction: prediction, gold: gold) == expected)
    }

    @Test func canonicalNumbers() {
        #expect(AnswerChecker.canonicalNumber("109,200,000") == "109200000")
        #expect(AnswerChecker.canonicalNumber("-1,234.50") == "-1234.5")
        #expect(AnswerChecker.canonicalNumber("1.2.3") == nil)
        #expect(AnswerChecker.canonicalNumber("-") == nil)
        #expect(AnswerChecker.canonicalNumber("12a") == nil)
    }

    @Test(arguments: [
        ("b", true), ("B", true), ("(B)", true), ("B.", true), ("a pear", true), ("A Pear.", true),
        ("A", false), ("an apple", false), ("", false), ("c", false), ("pear", false),
    ])
    func optionMatch(prediction: String, expected: Bool) {
        let options = ["an apple", "a pear", "a plum"]
        #expect(AnswerChecker.optionMatches(prediction: prediction, gold: "a pear", options: options) == expected)
    }

    @Test func anOptionThatIsALetterIsMatchedByText() {
        // Options "b" and "a": the answer "a" names the option "a", not the first option.
        #expect(AnswerChecker.optionMatches(prediction: "a", gold: "a", options: ["b", "a"]))
        #expect(!AnswerChecker.optionMatches(prediction: "a", gold: "b", options: ["b", "a"]))
    }
}
