"""Understanding the Chinese text of ledgers: units and their roles, agency names and types,
deadlines, quantitative requirements and jurisdictions. jieba is loaded lazily, once."""
