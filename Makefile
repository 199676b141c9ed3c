# Each target is a one-line call of a script in scripts/; CI calls the same scripts.
.PHONY: test contract regen spec-diff lint sandbox mutants bench

test:      ; @scripts/test.sh
contract:  ; @scripts/contract.sh
regen:     ; @scripts/regen.sh
spec-diff: ; @scripts/spec-diff.sh $(BASE)
lint:      ; @scripts/lint.sh
sandbox:   ; @scripts/sandbox.sh
mutants:   ; @scripts/mutants.sh
bench:     ; @scripts/bench.sh
