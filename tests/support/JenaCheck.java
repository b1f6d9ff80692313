// Apache Jena 5: parses RDF files strictly and runs SHACL shapes, in one JVM.
//   java -cp <jena classpath> JenaCheck parse=FILE ... shacl=SHAPES.ttl:DATA1.ttl,DATA2.ttl ...
// parse=FILE (language from the extension: .ttl, .nt, .jsonld) prints
//   FILE<TAB>parsed<TAB>TRIPLES   or   FILE<TAB>error<TAB>MESSAGE
// shacl=SHAPES:DATA,... validates the union of the data files against the shapes and prints
//   SHAPES<TAB>conforms<TAB>true|false<TAB>RESULTS, then one line per result:
//   SHAPES<TAB>result<TAB>FOCUS<TAB>PATH<TAB>MESSAGE
// iso=A,B parses both files and prints A<TAB>isomorphic<TAB>true|false<TAB>B (Jena compares
//   literals term by term: "100"^^xsd:decimal and "100.0"^^xsd:decimal differ)
import org.apache.jena.graph.Graph;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.shacl.validation.ReportEntry;
import org.apache.jena.sparql.graph.GraphFactory;

public class JenaCheck {
    static Graph parse(String file) {
        Lang lang = RDFLanguages.filenameToLang(file);
        Graph graph = GraphFactory.createDefaultGraph();
        RDFParser.create().source(file).lang(lang).strict(true).checking(true).parse(graph);
        return graph;
    }

    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("parse=")) {
                String file = arg.substring(6);
                try {
                    System.out.println(file + "\tparsed\t" + parse(file).size());
                } catch (Exception e) {
                    System.out.println(file + "\terror\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
                }
            } else if (arg.startsWith("iso=")) {
                String[] files = arg.substring(4).split(",", 2);
                boolean same = parse(files[0]).isIsomorphicWith(parse(files[1]));
                System.out.println(files[0] + "\tisomorphic\t" + same + "\t" + files[1]);
            } else if (arg.startsWith("shacl=")) {
                String[] parts = arg.substring(6).split(":", 2);
                Graph data = GraphFactory.createDefaultGraph();
                for (String file : parts[1].split(",")) {
                    parse(file).find().forEachRemaining(data::add);
                }
                Shapes shapes = Shapes.parse(parse(parts[0]));
                ValidationReport report = ShaclValidator.get().validate(shapes, data);
                System.out.println(parts[0] + "\tconforms\t" + report.conforms() + "\t"
                                   + report.getEntries().size());
                for (ReportEntry e : report.getEntries()) {
                    System.out.println(parts[0] + "\tresult\t" + e.focusNode() + "\t"
                                       + e.resultPath() + "\t" + String.valueOf(e.message()).replace('\n', ' '));
                }
            }
        }
        System.out.println("done");
    }
}
