"""Pure Amazon States Language data processing: paths, payloads, intrinsics, JSONata, Choice."""
