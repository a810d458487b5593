"""Real-data importers: ナビイ open-data base records and かかりつけ医機能報告 CSVs."""
