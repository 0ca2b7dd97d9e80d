"""The register of risks and opportunities (ISO 9001 6.1): assessment on the
organisation's scale, treatment, actions, re-assessment and review dates."""
