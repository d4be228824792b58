namespace Cairn.Core.Tracking;

/// <summary>Generated run names in MLflow's style: adjective-noun-NNN.</summary>
public static class RunNames
{
    private static readonly string[] Adjectives =
    [
        "agile", "amazing", "ambitious", "bold", "brave", "bright", "calm", "capable", "clean", "clever",
        "crisp", "curious", "daring", "dazzling", "eager", "elegant", "fast", "fearless", "gentle", "glowing",
        "grand", "honest", "humble", "keen", "kind", "lively", "loud", "lucky", "mellow", "merry",
        "mighty", "nimble", "noble", "patient", "polite", "proud", "quick", "quiet", "rare", "resilient",
        "serene", "sharp", "shy", "silent", "smooth", "steady", "sturdy", "sunny", "swift", "wise",
    ];

    private static readonly string[] Nouns =
    [
        "ant", "badger", "bat", "bear", "bee", "bird", "boar", "cairn", "cat", "cod",
        "colt", "crab", "crane", "deer", "dog", "dove", "eel", "elk", "finch", "fox",
        "frog", "gull", "hare", "hawk", "heron", "horse", "jay", "koi", "lark", "lynx",
        "mole", "moth", "newt", "otter", "owl", "panda", "perch", "pike", "quail", "ram",
        "robin", "seal", "shrew", "snail", "squid", "stork", "swan", "toad", "trout", "wolf",
    ];

    public static string Generate(Random random) =>
        $"{Adjectives[random.Next(Adjectives.Length)]}-{Nouns[random.Next(Nouns.Length)]}-{random.Next(1000):D3}";
}
