"""Sample answers shared by tests and benchmarks (plain data, no Django)."""

STRONG_AD_ANSWER = {
    "goals": (
        "Before designing anything I'd ask how many daily active users we have and the latency budget, "
        "since the auction must answer within about 150 ms. The business goal is revenue without hurting "
        "user experience, so the ML objective is a calibrated probability of click for each user and ad, "
        "because the auction ranks by bid times pCTR."
    ),
    "data": (
        "Labels come from joining impressions with clicks: an impression is positive if a click happens "
        "within a 30 minute attribution window, otherwise it is a negative. We need to filter bot traffic "
        "because fake clicks would poison the labels. At 4K requests per second that is about 350M "
        "impressions per day, so I'd downsample negatives to 10% and then recalibrate the predictions."
    ),
    "features": (
        "The main signals are sparse ids for user, ad and advertiser, which I would hash into embeddings "
        "with the hashing trick so that memory stays bounded. Historical CTR counters over 1 day and 7 day "
        "windows help because they capture how each ad performs. I would keep batch and streaming "
        "features in a feature store so that training and serving read the same values."
    ),
    "model": (
        "I'd start with logistic regression as a baseline because it is simple and well calibrated, then "
        "move to GBDT plus LR or DeepFM to learn feature crosses. Offline I would measure normalized cross "
        "entropy and calibration rather than AUC alone, since the auction needs calibrated probabilities. "
        "The split must be by time instead of random to avoid leakage."
    ),
    "serving": (
        "Serving is a funnel: a targeting filter, then a light model over thousands of ads, then the heavy "
        "model on the top 100, then the auction, all within 150 ms. The model is retrained every hour from "
        "the online joiner because ad performance drifts quickly, and we keep the previous model version "
        "for rollback."
    ),
    "online": (
        "We A/B test the new model against the current one on CTR, revenue and hide rate, for two weeks to "
        "avoid novelty effects. I would monitor calibration per segment and prediction drift with alerts, "
        "and keep a small exploration slice so the feedback loop does not starve new ads."
    ),
}
