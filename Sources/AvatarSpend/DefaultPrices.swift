/// The price table shipped with the program: a small JSON data file kept
/// in a string so that the binary carries it (no resource bundle to lose
/// on `make install`). `AVATAR_PRICES_FILE` takes the same format and
/// extends it (its entries win), or replaces it with `"replace": true`.
///
/// Token prices are USD per million tokens; `per_image` prices are USD per
/// image, keyed "QUALITY SIZE", "SIZE" or "default". `match` is a model name,
/// or a prefix ending in `*`; the longest match wins.
enum DefaultPrices {
    static let json = #"""
    {
      "as_of": "2026-11-30",
      "currency": "USD",
      "models": [
        {"match": "gpt-image-2*", "text_input": 5, "image_input": 8, "image_output": 30,
         "source": "OpenAI pricing and model pages (gpt-image-2, 2.5 and 2.6 flare/sunburst), read 2026-11-30"},
        {"match": "gpt-image-1*", "text_input": 5, "image_input": 10, "image_output": 40,
         "source": "OpenAI pricing page before the 2026-10-23 shutdown; still served by compatible servers"},
        {"match": "gpt-image-1-mini", "text_input": 2, "image_input": 2.5, "image_output": 8,
         "source": "OpenAI pricing page before the 2026-12-01 shutdown"},
        {"match": "chatgpt-image-latest", "text_input": 5, "image_input": 10, "image_output": 40,
         "source": "OpenAI pricing page before the 2026-12-01 shutdown"},
        {"source": "OpenAI pricing page before the 2026-05-12 shutdown (retired)", "match": "dall-e-3",
         "per_image": {"standard 1024x1024": 0.04, "standard 1792x1024": 0.08, "standard 1024x1792": 0.08,
                       "hd 1024x1024": 0.08, "hd 1792x1024": 0.12, "hd 1024x1792": 0.12, "default": 0.04}},
        {"source": "OpenAI pricing page before the 2026-05-12 shutdown (retired)", "match": "dall-e-2",
         "per_image": {"256x256": 0.016, "512x512": 0.018, "1024x1024": 0.02, "default": 0.02}},
        {"match": "gpt-6-luna", "text_input": 0.10, "text_output": 0.50,
         "source": "OpenAI model page gpt-6-luna, read 2026-11-30 (the default chat model)"},
        {"match": "gpt-4o-mini", "text_input": 0.15, "text_output": 0.60,
         "source": "OpenAI pricing page, read 2026-11-30 (deprecated, shuts down 2027-01-14)"},
        {"match": "builtin", "per_image": {"default": 0}, "text_input": 0, "text_output": 0,
         "source": "avatar-spool's own offline providers"}
      ]
    }
    """#
}
