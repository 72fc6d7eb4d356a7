"""Reports, the moderation queue, hiding, sanctions, appeals."""
