console.log("[trainer] build skipped (placeholder during bootstrap)")
