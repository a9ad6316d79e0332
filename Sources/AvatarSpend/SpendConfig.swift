/// What the composition root tells the spend floor about the configured
/// providers: enough to price and estimate, no provider types.
public struct SpendConfig: Sendable, Equatable {
    /// "builtin", "flowise" or "openai".
    public var dataProvider: String
    /// The chat model of an OpenAI-compatible data provider.
    public var chatModel: String?
    /// "builtin" or "openai".
    public var imageProvider: String
    public var imageModel: String?
    public var editModel: String?
    /// OPENAI_IMAGE_QUALITY; nil or "auto" = the model decides.
    public var quality: String?

    public init(dataProvider: String = "builtin", chatModel: String? = nil, imageProvider: String = "builtin",
                imageModel: String? = nil, editModel: String? = nil, quality: String? = nil) {
        self.dataProvider = dataProvider
        self.chatModel = chatModel
        self.imageProvider = imageProvider
        self.imageModel = imageModel
        self.editModel = editModel
        self.quality = quality
    }

    /// The models that cost money, for `doctor`'s price check.
    public var pricedModels: [(variable: String, model: String)] {
        var out: [(String, String)] = []
        if dataProvider == "openai", let chatModel { out.append(("OPENAI_CHAT_MODEL", chatModel)) }
        if imageProvider == "openai", let imageModel { out.append(("OPENAI_IMAGE_MODEL", imageModel)) }
        if imageProvider == "openai", let editModel, editModel != imageModel { out.append(("OPENAI_EDIT_MODEL", editModel)) }
        return out
    }
}
