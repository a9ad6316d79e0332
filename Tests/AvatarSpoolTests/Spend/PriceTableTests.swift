import AvatarDomain
import AvatarSpend
import AvatarTask
import Foundation
import Testing

@Suite("Price table (shipped, dated; AVATAR_PRICES_FILE)")
struct PriceTableTests {
    let square = ImageSize(width: 1024, height: 1024)

    @Test("per-token prices by family: 5/8/30 USD per million for gpt-image-2 and later; exact names beat prefixes; unknown is nil, never 0")
    func shipped() throws {
        let table = PriceTable.shipped
        #expect(table.asOf == "2026-11-30")
        let p = try #require(table.price(for: "gpt-image-2.6-sunburst"))
        #expect(p.textInput == 5 && p.imageInput == 8 && p.imageOutput == 30)
        #expect(table.price(for: "gpt-image-1-mini")?.imageOutput == 8)
        #expect(table.price(for: "gpt-image-1.5")?.imageOutput == 40)
        let grid = ImageUsage(inputTokens: 1350, outputTokens: 1056, totalTokens: 2406, inputTextTokens: 60, inputImageTokens: 1290)
        #expect(table.cost(of: grid, model: "gpt-image-2.6-flare", size: square, quality: nil) == 0.0423)
        #expect(table.cost(of: grid, model: "my-local-model", size: square, quality: nil) == nil)
        #expect(table.cost(of: nil, model: "dall-e-3", size: ImageSize(width: 1792, height: 1024), quality: "hd") == 0.12)
        #expect(table.cost(of: nil, model: "dall-e-2", size: ImageSize(width: 256, height: 256), quality: nil) == 0.016)
        #expect(table.chatCost(model: "gpt-6-luna", input: 1_000_000, output: 1_000_000) == 0.6)
    }

    @Test("AVATAR_PRICES_FILE extends the table (a local server at 0) or replaces it; a bad file names the file and the entry")
    func file() throws {
        let dir = NSTemporaryDirectory() + "prices-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let extend = dir + "/extend.json"
        try #"{"as_of": "2026-12-01", "models": [{"match": "llava*", "text_input": 0, "image_output": 0}]}"#
            .write(toFile: extend, atomically: true, encoding: .utf8)
        let table = try PriceTable.load(file: extend)
        #expect(table.cost(of: ImageUsage(inputTokens: 10, outputTokens: 10, totalTokens: 20), model: "llava-13b",
                           size: square, quality: nil) == 0)
        #expect(table.price(for: "gpt-image-2") != nil)
        let replace = dir + "/replace.json"
        try #"{"replace": true, "models": [{"match": "x", "per_image": {"default": 0.5}}]}"#
            .write(toFile: replace, atomically: true, encoding: .utf8)
        #expect(try PriceTable.load(file: replace).price(for: "gpt-image-2") == nil)
        let bad = dir + "/bad.json"
        try #"{"models": [{"match": "y", "text_input": "cheap"}]}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: PriceTable.LoadError.self) { try PriceTable.load(file: bad) }
        do { _ = try PriceTable.load(file: bad) } catch { #expect("\(error)".contains("models[0].text_input")) }
        #expect(throws: PriceTable.LoadError.self) { try PriceTable.load(file: dir + "/missing.json") }
    }
}
