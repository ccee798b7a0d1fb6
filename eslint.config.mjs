import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "policy/node_modules/", "dist/"] },
    eslint.configs.recommended,
    ...tseslint.configs.strict,
    {
        rules: {
            "@typescript-eslint/no-explicit-any": "error",
        },
    },
);
