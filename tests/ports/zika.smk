# The zika tutorial's build as snakemake runs it: the reference run the
# tests compare the ferry port (examples/zika) with. Each rule runs the augur
# command of the original Snakefile (nextstrain/zika-tutorial) with the same
# arguments; this text is ours. Run from a copy of examples/zika.

SEQUENCES = "data/sequences.fasta"
METADATA = "data/metadata.tsv"
OUTGROUP = "config/zika_outgroup.gb"

rule all:
    input: "auspice/zika.json"

rule index_sequences:
    input: SEQUENCES
    output: "results/sequence_index.tsv"
    shell: "augur index --sequences {input} --output {output}"

rule filter:
    input:
        seqs = SEQUENCES,
        index = "results/sequence_index.tsv",
        meta = METADATA,
        drop = "config/dropped_strains.txt"
    output: "results/filtered.fasta"
    shell:
        "augur filter --sequences {input.seqs} --sequence-index {input.index}"
        " --metadata {input.meta} --exclude {input.drop} --output {output}"
        " --group-by country year month --sequences-per-group 20 --min-date 2012"

rule align:
    input:
        seqs = "results/filtered.fasta",
        ref = OUTGROUP
    output: "results/aligned.fasta"
    shell:
        "augur align --sequences {input.seqs} --reference-sequence {input.ref}"
        " --output {output} --fill-gaps"

rule tree:
    input: "results/aligned.fasta"
    output: "results/tree_raw.nwk"
    shell: "augur tree --alignment {input} --output {output}"

rule refine:
    input:
        tree = "results/tree_raw.nwk",
        aln = "results/aligned.fasta",
        meta = METADATA
    output:
        tree = "results/tree.nwk",
        lengths = "results/branch_lengths.json"
    shell:
        "augur refine --tree {input.tree} --alignment {input.aln} --metadata {input.meta}"
        " --output-tree {output.tree} --output-node-data {output.lengths} --timetree"
        " --coalescent opt --date-confidence --date-inference marginal --clock-filter-iqd 4"

rule ancestral:
    input:
        tree = "results/tree.nwk",
        aln = "results/aligned.fasta"
    output: "results/nt_muts.json"
    shell:
        "augur ancestral --tree {input.tree} --alignment {input.aln}"
        " --output-node-data {output} --inference joint"

rule translate:
    input:
        tree = "results/tree.nwk",
        nt = "results/nt_muts.json",
        ref = OUTGROUP
    output: "results/aa_muts.json"
    shell:
        "augur translate --tree {input.tree} --ancestral-sequences {input.nt}"
        " --reference-sequence {input.ref} --output-node-data {output}"

rule traits:
    input:
        tree = "results/tree.nwk",
        meta = METADATA
    output: "results/traits.json"
    shell:
        "augur traits --tree {input.tree} --metadata {input.meta}"
        " --output-node-data {output} --columns region country --confidence"

rule export:
    input:
        tree = "results/tree.nwk",
        meta = METADATA,
        lengths = "results/branch_lengths.json",
        traits = "results/traits.json",
        nt = "results/nt_muts.json",
        aa = "results/aa_muts.json",
        colors = "config/colors.tsv",
        latlongs = "config/lat_longs.tsv",
        auspice = "config/auspice_config.json"
    output: "auspice/zika.json"
    shell:
        "augur export v2 --tree {input.tree} --metadata {input.meta}"
        " --node-data {input.lengths} {input.traits} {input.nt} {input.aa}"
        " --colors {input.colors} --lat-longs {input.latlongs}"
        " --auspice-config {input.auspice} --include-root-sequence --output {output}"
