import Testing
@testable import LLM

@Suite struct JSONParserTests {
    @Test func parsesValuesKeepingKeyOrderAndIntegerness() throws {
        let value = try JSONParser.parse(#"{"z": 1, "a": [true, null, 2.5, -3e2, "x\u00e9\ud83d\ude00"], "m": {}}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object["z"] == .int(1))
        #expect(object["a"] == .array([.bool(true), .null, .double(2.5), .double(-300), .string("xé😀")]))
        #expect(object["m"] == .object(JSONObject()))
    }

    @Test func reportsDuplicateKeys() {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a": 1, "b": {"c": 1, "c": 2}}"#) }
        #expect(error?.duplicateKey == "c")
    }

    @Test(arguments: [#"{"a": 1,}"#, "[1 2]", #"{"a"}"#, "01", #""\x""#, "\"a\nb\"", "{} x", #""\ud800""#, ""])
    func rejectsInvalidText(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsDeepNesting() {
        let text = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func writerRoundTrips() throws {
        let value = JSONValue.object(JSONObject([
            ("b", .double(1e-05)), ("a", .array([.int(1), .string("q\"\n\u{1}é")])), ("c", .object(JSONObject())),
        ]))
        for pretty in [false, true] {
            #expect(try JSONParser.parse(JSONWriter.string(value, pretty: pretty)) == value)
        }
        #expect(JSONWriter.string(.double(500000)) == "500000.0")
    }
}
