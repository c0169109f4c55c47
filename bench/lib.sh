# Shared by the bench scripts: compile the test sources and print the operator module's test
# classpath (the benchmark mains live in operator/src/test/java/io/storageprobe/operator/bench).
bench_classpath() {
  local cp=operator/target/bench.classpath
  mvn -q -pl operator -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/$cp" -Dmdep.includeScope=test >&2
  echo "operator/target/test-classes:operator/target/classes:$(cat "$cp")"
}
machine() {
  echo "machine: $(nproc) cores, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), $(java -version 2>&1 | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg)"
}
