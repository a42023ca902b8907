echo "1..0 # SKIP being rewritten"
