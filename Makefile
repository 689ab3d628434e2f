# Convenience targets; each calls the same scripts the README names.
.PHONY: setup demo test bench testdata
setup:
	bash scripts/setup.sh
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh
bench:
	bash Benchmarks/compare.sh
testdata:
	python3 testdata/generate.py
